package io.callingboxgateway.subscriptions.delivery;

import io.callingboxgateway.background.BackgroundThreads;
import io.callingboxgateway.events.EventPage;
import io.callingboxgateway.events.EventTail;
import io.callingboxgateway.events.EventView;
import io.callingboxgateway.subscriptions.SubscriptionConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Delivers a claimed subscription's events in runs (docs/decisions/0069-push-runs.md): it reads a page
 * of the events due, posts them back to back, one request per event, in log order, and records the
 * whole run in one transaction; then it goes on with the next page while newer events are numbered,
 * until it has caught up, an attempt fails, the claim is lost, or its turn is over. Attempts happen
 * outside any transaction. A crash between a post and the record of its run means the run's events
 * are posted again (at least once; receivers drop repeats by {@code webhook-id}).
 *
 * <p>While a delivery runs, its lease is renewed on a timer of its own, not between attempts, so a
 * slow attempt never outlives the lease. When a renewal fails the claim is lost: the delivery starts
 * no further attempt, and the ledger refuses the running run's record (fencing), so one subscription
 * never has two deliveries recorded against it.
 */
@ApplicationScoped
public class SubscriberDelivery {

    private static final Logger LOG = Logger.getLogger(SubscriberDelivery.class);

    /**
     * How long one claim goes on delivering newer events before it is given back, so that a
     * subscriber with a steady stream still lets others (and other replicas) have its delivery thread;
     * the cost is one release and one claim per turn.
     */
    static final Duration TURN = Duration.ofSeconds(1);

    private final DeliveryLedger ledger;
    private final SubscriberClient client;
    private final EventTail tail;
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
            EventTail tail,
            DeliveryMetrics metrics,
            SubscriptionConfig config,
            BackgroundThreads threads) {
        this.ledger = ledger;
        this.client = client;
        this.tail = tail;
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
        long turnStarted = System.nanoTime();
        while (!stopping && !lost.get()) {
            EventPage page = ledger.next(claim, position);
            Run run = send(claim, page, lost);
            position = record(claim, position, page, run);
            if (position < 0) {
                return; // a failure (recorded, claim given back) or a lost claim
            }
            boolean more = page.hasMore() || tail.head() > position;
            if (!more) {
                // Caught up: a waiting replay (V70) goes now, under this claim, beside the live line
                replays.deliver(claim, () -> stopping || lost.get());
            }
            if (!more || System.nanoTime() - turnStarted > TURN.toNanos()) {
                return;
            }
        }
    }

    /**
     * Posts a page's events back to back, in log order, one request each, to one judgement of the URL,
     * and stops at the first that fails (the rest wait for its retry, which keeps the order).
     */
    private Run send(Claim claim, EventPage page, AtomicBoolean lost) {
        Destination destination = client.destination(claim);
        Run run = new Run();
        for (EventView event : page.data()) {
            if (stopping || lost.get()) {
                run.interrupted = true;
                return run;
            }
            AttemptResult result = client.post(claim, destination, event);
            if (!result.delivered()) {
                run.failedOn = event;
                run.failure = result;
                return run;
            }
            run.delivered.add(event.id());
            run.lastStatus = result.status();
        }
        return run;
    }

    /**
     * Records a run in one transaction: the line moves past what was delivered (and past the page's
     * unwanted events when all of it was), and a failure is recorded after that.
     *
     * @return the new position, or -1 when the delivery ends here
     */
    private long record(Claim claim, long position, EventPage page, Run run) {
        List<Long> delivered = run.delivered;
        long deliveredThrough = delivered.isEmpty() ? position : delivered.get(delivered.size() - 1);
        if (run.failure != null) {
            DeliveryLedger.Failure failure = delivered.isEmpty()
                    ? ledger.failed(claim, run.failedOn.id(), run.failure)
                    : ledger.failed(claim, deliveredThrough, run.lastStatus, run.failedOn.id(), run.failure);
            if (failure == DeliveryLedger.Failure.CLAIM_LOST) {
                return -1;
            }
            counted(position, delivered, deliveredThrough);
            boolean dead =
                    failure == DeliveryLedger.Failure.DEAD_LETTERED || failure == DeliveryLedger.Failure.DISABLED;
            metrics.count(dead ? "dead_lettered" : "failed", 1);
            return -1;
        }
        long next = run.interrupted ? deliveredThrough : Math.max(deliveredThrough, Long.parseLong(page.nextCursor()));
        if (next == position) {
            return position;
        }
        boolean landed =
                delivered.isEmpty() ? ledger.skipped(claim, next) : ledger.delivered(claim, next, run.lastStatus);
        if (!landed) {
            return -1;
        }
        counted(position, delivered, next);
        return next;
    }

    /** Counts what a recorded run did: the events delivered, and those passed over up to {@code through}. */
    private void counted(long position, List<Long> delivered, long through) {
        metrics.count("delivered", delivered.size());
        metrics.count("skipped", through - position - delivered.size());
    }

    /** What one run of pushes came to. */
    private static final class Run {
        final List<Long> delivered = new ArrayList<>();
        int lastStatus;
        EventView failedOn;
        AttemptResult failure;
        boolean interrupted;
    }
}
