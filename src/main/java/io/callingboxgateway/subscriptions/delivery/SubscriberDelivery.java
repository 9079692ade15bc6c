package io.callingboxgateway.subscriptions.delivery;

import io.callingboxgateway.events.EventPage;
import io.callingboxgateway.events.EventView;
import io.callingboxgateway.subscriptions.SubscriptionConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * Delivers a claimed subscription's events one at a time, in log order, until it has caught up, an
 * attempt fails, or the claim is lost. Each attempt happens outside any transaction; its outcome is
 * recorded right after it. A crash between the post and the record means the event is posted again
 * (at least once; receivers drop repeats by {@code webhook-id}).
 */
@ApplicationScoped
public class SubscriberDelivery {

    private static final Logger LOG = Logger.getLogger(SubscriberDelivery.class);

    private final DeliveryLedger ledger;
    private final SubscriberClient client;
    private final DeliveryMetrics metrics;
    private final Duration renewBelow;
    private final Duration holdOffAfterError;
    private volatile boolean stopping;

    SubscriberDelivery(
            DeliveryLedger ledger, SubscriberClient client, DeliveryMetrics metrics, SubscriptionConfig config) {
        this.ledger = ledger;
        this.client = client;
        this.metrics = metrics;
        // An attempt must end while the lease still holds, or another replica could start the same
        // subscription's next event before this one's outcome is known.
        this.renewBelow = config.attemptTimeout().multipliedBy(2);
        this.holdOffAfterError = config.backoffMax();
    }

    public void deliver(Claim claim) {
        try {
            run(claim);
            ledger.release(claim);
        } catch (RuntimeException e) {
            LOG.errorf(
                    e,
                    "Delivery to subscription %s stopped by an unexpected error; retrying in %s",
                    claim.subscriptionId(),
                    holdOffAfterError);
            ledger.releaseAfterError(claim, Instant.now().plus(holdOffAfterError));
        }
    }

    void stop() {
        stopping = true;
    }

    private void run(Claim claim) {
        long position = claim.position();
        Instant leaseUntil = claim.leaseUntil();
        long floor = ledger.retentionFloor();
        if (position < floor) {
            // Disabled or failing for longer than retention keeps events: what is gone cannot be sent.
            LOG.warnf(
                    "Subscription %s never received events %d to %d: retention deleted them first",
                    claim.subscriptionId(), position + 1, floor);
            if (!ledger.skipped(claim, floor)) {
                return;
            }
            metrics.count("expired", floor - position);
            position = floor;
        }
        while (!stopping) {
            EventPage page = ledger.next(claim, position);
            for (EventView event : page.data()) {
                if (stopping) {
                    return;
                }
                if (Duration.between(Instant.now(), leaseUntil).compareTo(renewBelow) < 0) {
                    leaseUntil = ledger.renew(claim, Instant.now());
                    if (leaseUntil == null) {
                        return;
                    }
                }
                AttemptResult result = client.post(claim, event);
                Instant now = Instant.now();
                if (!result.delivered()) {
                    DeliveryLedger.Failure failure = ledger.failed(claim, event.id(), result, now);
                    boolean dead = failure == DeliveryLedger.Failure.DEAD_LETTERED
                            || failure == DeliveryLedger.Failure.DISABLED;
                    metrics.count(dead ? "dead_lettered" : "failed", 1);
                    return;
                }
                leaseUntil = ledger.delivered(claim, event.id(), result.status(), now);
                if (leaseUntil == null) {
                    return;
                }
                metrics.count("delivered", 1);
                metrics.count("skipped", event.id() - position - 1);
                position = event.id();
            }
            long next = Long.parseLong(page.nextCursor());
            if (next > position) {
                if (!ledger.skipped(claim, next)) {
                    return;
                }
                metrics.count("skipped", next - position);
                position = next;
            }
            if (!page.hasMore()) {
                return;
            }
        }
    }
}
