package io.callingboxgateway.webhook;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/** What an operator watches at the webhook edge (all under {@code gateway_webhooks_} at /q/metrics). */
@ApplicationScoped
public class WebhookMetrics {

    /** Why a webhook was refused; the tag values of {@code gateway_webhooks_rejected_total}. */
    public enum Rejection {
        SIGNATURE,
        TIMESTAMP,
        MALFORMED,
        TOO_LARGE,
        /** The body did not arrive within callingbox.webhook.body-timeout. */
        BODY_TIMEOUT,
        MEDIA_TYPE,
        UNAVAILABLE,
        /** Not confirmed in time: too many queued, stopping, or the commit later than the group-commit wait. */
        BUSY;

        String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final MeterRegistry registry;
    private final DistributionSummary skew;
    private final AtomicLong lastAcceptedMillis = new AtomicLong(-1);

    WebhookMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (Rejection reason : Rejection.values()) {
            rejectedCounter(reason); // every reason shows from the start, at zero
        }
        registry.counter("gateway.webhooks.duplicates");
        this.skew = DistributionSummary.builder("gateway.webhooks.signature.skew")
                .description("Distance between a verified signature's timestamp and the gateway's clock")
                .baseUnit("seconds")
                .register(registry);
        Gauge.builder("gateway.webhooks.since.last.accepted", this, WebhookMetrics::secondsSinceLastAccepted)
                .description("Seconds since this replica last accepted a webhook; NaN before the first")
                .baseUnit("seconds")
                .strongReference(true)
                .register(registry);
    }

    void rejected(Rejection reason) {
        rejectedCounter(reason).increment();
    }

    /**
     * A signature verified; the secret is named by its position in the configured list only. Nothing
     * derived from the secret itself (not even a hash prefix) is exported: a scrape must not help anyone
     * test a guessed secret.
     */
    void verified(int secretIndex, long skewSeconds) {
        registry.counter("gateway.webhooks.verified", "secret_index", Integer.toString(secretIndex))
                .increment();
        skew.record(skewSeconds);
    }

    /** A signature matched but its timestamp was outside the window: the skew is still worth seeing. */
    void outsideWindow(long skewSeconds) {
        skew.record(skewSeconds);
    }

    void accepted(String type, boolean redelivery) {
        String typeTag = WebhookEnvelope.TYPES.contains(type) ? type : "other";
        registry.counter("gateway.webhooks.received", "type", typeTag).increment();
        if (redelivery) {
            registry.counter("gateway.webhooks.duplicates").increment();
        }
        lastAcceptedMillis.set(System.currentTimeMillis());
    }

    private Counter rejectedCounter(Rejection reason) {
        return Counter.builder("gateway.webhooks.rejected")
                .description("Webhooks refused, by reason")
                .tag("reason", reason.tag())
                .register(registry);
    }

    private double secondsSinceLastAccepted() {
        long last = lastAcceptedMillis.get();
        return last < 0 ? Double.NaN : (System.currentTimeMillis() - last) / 1000.0;
    }
}
