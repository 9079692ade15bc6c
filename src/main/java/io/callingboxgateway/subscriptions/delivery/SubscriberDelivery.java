package io.callingboxgateway.subscriptions.delivery;

import io.callingboxgateway.background.BackgroundThreads;
import io.callingboxgateway.events.EventPage;
import io.callingboxgateway.events.EventView;
import io.callingboxgateway.subscriptions.SubscriptionConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Delivers a claimed subscription's events one at a time, in log order, until it has caught up, an
 * attempt fails, or the claim is lost. Each attempt happens outside any transaction; its outcome is
 * recorded right after it. A crash between the post and the record means the event is posted again
 * (at least once; receivers drop repeats by {@code webhook-id}).
 *
 * <p>While a delivery runs, its lease is renewed on a timer of its own, not between attempts, so a
 * slow attempt never outlives the lease. When a renewal fails the claim is lost: the delivery starts
 * no further attempt, and the ledger refuses the running attempt's result (fencing), so one
 * subscription never has two deliveries recorded against it.
 */
@ApplicationScoped
public class SubscriberDelivery {

    private static final Logger LOG = Logger.getLogger(SubscriberDelivery.class);

    private final DeliveryLedger ledger;
    private final SubscriberClient client;
    private final DeliveryMetrics metrics;
    private final Duration renewEvery;
    private final Duration holdOffAfterError;
    private final ScheduledExecutorService renewer;
    private volatile boolean stopping;

    @Inject
    ReplayDelivery replays;

    SubscriberDelivery(
            DeliveryLedger ledger,
            SubscriberClient client,
            DeliveryMetrics metrics,
            SubscriptionConfig config,
            BackgroundThreads threads) {
        this.ledger = ledger;
        this.client = client;
        this.metrics = metrics;
        // Renewed well before the lease runs out (it exceeds twice the attempt timeout), several times
        // during one attempt, so a renewal delayed by a busy database still lands in time.
        Duration third = config.lease().dividedBy(3);
        Duration halfAttempt = config.attemptTimeout().dividedBy(2);
        this.renewEvery = third.compareTo(halfAttempt) < 0 ? third : halfAttempt;
        this.holdOffAfterError = config.backoffMax();
        this.renewer = threads.timer("subscription-lease-renewer");
    }

    public void deliver(Claim claim) {
        AtomicBoolean lost = new AtomicBoolean();
        ScheduledFuture<?> renewal = renewer.scheduleAtFixedRate(
                () -> renew(claim, lost), renewEvery.toMillis(), renewEvery.toMillis(), TimeUnit.MILLISECONDS);
        try {
            run(claim, lost);
            renewal.cancel(false);
            ledger.release(claim);
        } catch (RuntimeException e) {
            renewal.cancel(false);
            LOG.errorf(
                    e,
                    "Delivery to subscription %s stopped by an unexpected error; retrying in %s",
                    claim.subscriptionId(),
                    holdOffAfterError);
            ledger.releaseAfterError(claim, holdOffAfterError);
        }
    }

    private void renew(Claim claim, AtomicBoolean lost) {
        if (lost.get()) {
            return;
        }
        try {
            if (!ledger.renew(claim)) {
                lost.set(true);
                LOG.infof(
                        "Delivery to subscription %s lost its claim; stopping after the running attempt",
                        claim.subscriptionId());
            }
        } catch (RuntimeException e) {
            // The next renewal tries again; if none lands in time, the lease runs out and fencing holds.
            LOG.debugf("Could not renew the claim on subscription %s: %s", claim.subscriptionId(), e.getMessage());
        }
    }

    void stop() {
        stopping = true;
    }

    private void run(Claim claim, AtomicBoolean lost) {
        long position = claim.position();
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
                if (stopping || lost.get()) {
                    return;
                }
                AttemptResult result = client.post(claim, event);
                if (!result.delivered()) {
                    DeliveryLedger.Failure failure = ledger.failed(claim, event.id(), result);
                    boolean dead = failure == DeliveryLedger.Failure.DEAD_LETTERED
                            || failure == DeliveryLedger.Failure.DISABLED;
                    if (failure != DeliveryLedger.Failure.CLAIM_LOST) {
                        metrics.count(dead ? "dead_lettered" : "failed", 1);
                    }
                    return;
                }
                if (!ledger.delivered(claim, event.id(), result.status())) {
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
                // Caught up: a waiting replay (V70) goes now, under this claim, beside the live line
                replays.deliver(claim, () -> stopping || lost.get());
                return;
            }
        }
    }
}
