package io.callingboxgateway.sandbox;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.arc.profile.IfBuildProfile;
import io.quarkus.vertx.http.HttpServer;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * Sends the simulator's webhooks as CallingBox does: one delivery per event and destination, signed,
 * retried on the documented schedule ({@link CallingBoxRetrySchedule}) until a 2xx or the eighth
 * failure, and recorded for {@code GET /v1/webhook_deliveries}. The configured faults strike here; the
 * wire format is {@link WebhookPost}'s.
 */
@ApplicationScoped
@IfBuildProfile(anyOf = {"dev", "test"})
public class WebhookSender {

    private final SimulatorClock clock;
    private final SimulatorRandom random;
    private final Instance<HttpServer> server;
    private final SandboxConfig.Webhook config;
    private final WebhookPost post;
    private final Map<UUID, WebhookDelivery> deliveries = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();

    private volatile long epoch;
    private volatile FaultSettings faults;
    private volatile FaultCounters counters = new FaultCounters();
    private volatile boolean endpointEnabled;
    private volatile URI endpointUrl;

    WebhookSender(SimulatorClock clock, SimulatorRandom random, Instance<HttpServer> server, SandboxConfig config) {
        this.clock = clock;
        this.random = random;
        this.server = server;
        this.config = config.webhook();
        this.post = new WebhookPost(this.config);
        reset(config);
    }

    public FaultSettings faults() {
        return faults;
    }

    public void faults(FaultSettings faults) {
        this.faults = faults;
    }

    FaultCounters counters() {
        return counters;
    }

    /** Where the account endpoint receives events now; absent when it is switched off. */
    public Optional<URI> endpoint() {
        if (!endpointEnabled) {
            return Optional.empty();
        }
        URI url = endpointUrl;
        return Optional.of(url != null ? url : URI.create(gatewayRoot() + "/webhooks/callingbox"));
    }

    /** Points the account endpoint somewhere else; null means the gateway's own receiver. */
    public void endpoint(boolean enabled, URI url) {
        this.endpointEnabled = enabled;
        this.endpointUrl = url;
    }

    /** The gateway's own HTTP root, on whatever port it actually listens on. */
    String gatewayRoot() {
        return "http://localhost:" + server.get().getPort();
    }

    /** Forgets every delivery and stops every retry, faults and endpoint back to their configuration. */
    void reset(SandboxConfig sandbox) {
        epoch++;
        deliveries.clear();
        counters = new FaultCounters();
        faults = FaultSettings.of(sandbox.faults());
        endpointEnabled = config.enabled();
        endpointUrl = config.url().orElse(null);
    }

    /**
     * Fires one event for a call: a delivery to the account endpoint and one to the call's own
     * webhook_url, each with its own event id. Called under the call's monitor, so the snapshot is
     * the call exactly as the event leaves it.
     */
    void emit(SimulatedCall call, String eventType) {
        ObjectNode snapshot = call.toJson();
        Instant now = clock.now();
        endpoint()
                .ifPresent(url ->
                        enqueue(SandboxDefaults.ENDPOINT_ID, url.toString(), call, eventType, snapshot, now, null));
        if (call.webhookUrl != null) {
            SimulatedCall summarises = "call.completed".equals(eventType) ? call : null;
            enqueue(null, call.webhookUrl, call, eventType, snapshot, now, summarises);
        }
    }

    private void enqueue(
            UUID endpointId,
            String url,
            SimulatedCall call,
            String eventType,
            ObjectNode snapshot,
            Instant now,
            SimulatedCall summarises) {
        UUID id = random.uuid();
        WebhookDelivery delivery = new WebhookDelivery(
                id,
                sequence.incrementAndGet(),
                epoch,
                endpointId,
                call.id,
                eventType,
                url,
                WebhookPost.envelope(id, eventType, now, snapshot),
                now,
                summarises);
        // The first attempt goes out within about two seconds of the event.
        Duration wait = clock.real(Duration.ofMillis(random.between(100, 2000)));
        delivery.nextAttemptAt = now.plus(wait).truncatedTo(ChronoUnit.MICROS);
        deliveries.put(id, delivery);
        clock.afterReal(wait, () -> attempt(delivery, 0, true));
    }

    private void attempt(WebhookDelivery delivery, long round, boolean mayHoldBack) {
        if (delivery.epoch != epoch || !delivery.awaits(round)) {
            return;
        }
        FaultSettings now = faults;
        if (now.webhooksSilent()) {
            counters.silenced.incrementAndGet();
            failed(delivery, round, null, "connect timed out (sandbox: webhooks silenced)");
        } else if (mayHoldBack && random.chance(now.delayRate())) {
            counters.delayed.incrementAndGet();
            clock.afterReal(random.upTo(now.maxDelay()), () -> attempt(delivery, round, false));
        } else if (random.chance(now.dropRate())) {
            // Lost on the way: the receiver never sees it, yet CallingBox got a 200 (from a proxy, say).
            counters.dropped.incrementAndGet();
            succeeded(delivery, round, 200);
        } else {
            boolean forged = random.chance(now.wrongSignatureRate());
            if (forged) {
                counters.wrongSignatures.incrementAndGet();
            }
            post.send(delivery, forged).whenComplete((status, error) -> {
                if (error != null) {
                    failed(delivery, round, null, WebhookPost.describe(error));
                } else if (status >= 200 && status < 300) {
                    succeeded(delivery, round, status);
                    maybeDuplicate(delivery, now);
                } else {
                    failed(delivery, round, status, "receiver answered HTTP " + status);
                }
            });
        }
    }

    private void maybeDuplicate(WebhookDelivery delivery, FaultSettings now) {
        if (random.chance(now.duplicateRate())) {
            counters.duplicated.incrementAndGet();
            clock.afterReal(random.upTo(now.maxDelay()), () -> {
                if (delivery.epoch == epoch) {
                    post.send(delivery, false);
                }
            });
        }
    }

    private void succeeded(WebhookDelivery delivery, long round, int status) {
        Instant now = clock.now();
        if (delivery.delivered(round, status, now) && delivery.summarises != null) {
            delivery.summarises.webhookDelivered(now);
        }
    }

    private void failed(WebhookDelivery delivery, long round, Integer status, String error) {
        Instant now = clock.now();
        // under the delivery's monitor, so a redelivery cannot slip between the record and the retry
        synchronized (delivery) {
            if (!delivery.failed(round, status, error, now, CallingBoxRetrySchedule.MAX_ATTEMPTS)) {
                return;
            }
            if ("pending".equals(delivery.status)) {
                Duration wait = clock.real(CallingBoxRetrySchedule.waitAfter(delivery.attemptCount, random));
                delivery.nextAttemptAt = now.plus(wait).truncatedTo(ChronoUnit.MICROS);
                clock.afterReal(wait, () -> attempt(delivery, round, true));
                return;
            }
        }
        if (delivery.summarises != null) {
            delivery.summarises.webhookFailed(error, now);
        }
    }

    /**
     * Puts a delivery back to pending with the same event id and sends it again at once.
     *
     * @return the delivery record as it stands right after the reset, before the new attempt
     */
    Optional<ObjectNode> redeliver(UUID id) {
        WebhookDelivery delivery = deliveries.get(id);
        if (delivery == null) {
            return Optional.empty();
        }
        Instant now = clock.now();
        long round;
        ObjectNode record;
        synchronized (delivery) {
            round = delivery.reopen(now);
            record = delivery.toJson();
        }
        if (delivery.summarises != null) {
            delivery.summarises.webhookPending(now);
        }
        clock.afterReal(Duration.ZERO, () -> attempt(delivery, round, true));
        return Optional.of(record);
    }

    /** Delivery records, newest first, that pass the filter; at most limit of them. */
    List<WebhookDelivery> list(Predicate<WebhookDelivery> filter, int limit) {
        return deliveries.values().stream()
                .filter(filter)
                .sorted(WebhookDelivery.NEWEST_FIRST)
                .limit(limit)
                .toList();
    }

    @PreDestroy
    void stop() {
        epoch++;
        post.close();
    }
}
