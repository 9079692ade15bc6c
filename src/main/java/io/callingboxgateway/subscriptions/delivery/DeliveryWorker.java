package io.callingboxgateway.subscriptions.delivery;

import io.callingboxgateway.background.BackgroundThreads;
import io.callingboxgateway.background.ReplicaIdentity;
import io.callingboxgateway.events.EventTail;
import io.callingboxgateway.subscriptions.SubscriptionConfig;
import io.callingboxgateway.subscriptions.SubscriptionEdited;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Runs delivery on every replica: every {@code poll-interval}, and at once when an event commits, it
 * claims due subscriptions (as many as it has free delivery threads) and delivers each on its own
 * thread. Nothing here decides which replica delivers what: the claims in the database do.
 */
@ApplicationScoped
public class DeliveryWorker {

    private static final Logger LOG = Logger.getLogger(DeliveryWorker.class);
    private static final Duration HOUSEKEEPING_EVERY = Duration.ofSeconds(5);

    private final DeliveryClaims claims;
    private final DeliveryStandings standings;
    private final DeliveryLedger ledger;
    private final SubscriberDelivery delivery;
    private final DeliveryMetrics metrics;
    private final EventTail tail;
    private final SubscriptionConfig config;
    private final BackgroundThreads threads;
    private final String owner;
    private final AtomicInteger inFlight = new AtomicInteger();
    /**
     * Numbered from a random start, so a replica restarted under the same configured name never repeats
     * a claim owner its former run may have left behind.
     */
    private final AtomicLong rounds = new AtomicLong(ThreadLocalRandom.current().nextLong(1L << 40));

    private final AtomicBoolean wakeArmed = new AtomicBoolean();
    /** A tick is queued and has not started: further wakes are covered by it. */
    private final AtomicBoolean tickQueued = new AtomicBoolean();

    private volatile long seenHead = -1;
    private volatile boolean anyEnabled = true;
    private volatile boolean stopping;
    private ScheduledExecutorService ticker;
    private ExecutorService deliverers;

    DeliveryWorker(
            DeliveryClaims claims,
            DeliveryStandings standings,
            DeliveryLedger ledger,
            SubscriberDelivery delivery,
            DeliveryMetrics metrics,
            EventTail tail,
            SubscriptionConfig config,
            BackgroundThreads threads,
            ReplicaIdentity replica) {
        this.claims = claims;
        this.standings = standings;
        this.ledger = ledger;
        this.delivery = delivery;
        this.metrics = metrics;
        this.tail = tail;
        this.config = config;
        this.threads = threads;
        this.owner = replica.id();
    }

    void start(@Observes StartupEvent event) {
        requireLeaseOutlastsTwoAttempts(config);
        ticker = threads.timer("subscription-ticker");
        deliverers = threads.workers("subscription-delivery", config.concurrency());
        long every = config.pollInterval().toMillis();
        ticker.scheduleWithFixedDelay(this::tick, every, every, TimeUnit.MILLISECONDS);
        ticker.scheduleWithFixedDelay(this::housekeeping, 0, HOUSEKEEPING_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        LOG.infof("Subscription delivery runs as %s", owner);
    }

    void stop(@Observes ShutdownEvent event) {
        stopping = true;
        delivery.stop();
        if (ticker == null) {
            return;
        }
        ticker.shutdownNow();
        deliverers.shutdown();
        try {
            // In-flight attempts end within the attempt timeout; their claims are then released.
            if (!deliverers.awaitTermination(config.attemptTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS)) {
                deliverers.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The one rule across delivery settings (each setting's own range is checked by the configuration):
     * an attempt always ends while its lease holds, renewals included.
     */
    static void requireLeaseOutlastsTwoAttempts(SubscriptionConfig config) {
        if (config.lease().compareTo(config.attemptTimeout().multipliedBy(2)) <= 0) {
            throw new IllegalStateException(
                    "gateway.subscription.lease (%s) must exceed twice gateway.subscription".formatted(config.lease())
                            + ".attempt-timeout (%s), so an attempt always ends while its lease holds"
                                    .formatted(config.attemptTimeout()));
        }
    }

    /**
     * A subscription made deliverable here is looked at now, and arms the wake-up on new events at once:
     * housekeeping would only notice it within {@link #HOUSEKEEPING_EVERY}, and until then its events
     * would wait for the poll interval each.
     */
    void subscriptionEdited(@Observes(during = TransactionPhase.AFTER_SUCCESS) SubscriptionEdited edited) {
        if (edited.enabled() && ticker != null) {
            anyEnabled = true;
            wake();
        }
    }

    private void tick() {
        tickQueued.set(false);
        try {
            armWake();
            int free = config.concurrency() - inFlight.get();
            if (free <= 0 || stopping) {
                return;
            }
            // Each round of claims has its own owner name, so that releasing one claim can never free
            // a newer claim of the same subscription by this same replica.
            String claimOwner = owner + "#" + rounds.incrementAndGet();
            for (Claim claim : claims.claim(claimOwner, free)) {
                inFlight.incrementAndGet();
                deliverers.execute(() -> {
                    try {
                        delivery.deliver(claim);
                    } finally {
                        inFlight.decrementAndGet();
                        wake();
                    }
                });
            }
        } catch (RuntimeException e) {
            // A failed tick (database away) must not cancel the schedule.
            LOG.warnf("Subscription delivery could not claim work: %s", e.getMessage());
        }
    }

    /** New events wake the ticker at once; only armed while someone is subscribed. */
    private void armWake() {
        if (anyEnabled && !stopping && wakeArmed.compareAndSet(false, true)) {
            tail.beyond(seenHead).whenComplete((head, failure) -> {
                if (head != null) {
                    seenHead = head;
                }
                wakeArmed.set(false);
                wake();
            });
        }
    }

    /**
     * Queues a tick unless one is queued already: under a steady stream every numbering run wakes the
     * worker, and one claim looks at everything committed before it starts.
     */
    private void wake() {
        if (!stopping && tickQueued.compareAndSet(false, true)) {
            try {
                ticker.execute(this::tick);
            } catch (RejectedExecutionException e) {
                tickQueued.set(false); // shutting down
            }
        }
    }

    private void housekeeping() {
        try {
            DeliveryStandings.Standings now = standings.read();
            anyEnabled = now.subscriptions().stream().anyMatch(DeliveryStandings.Standing::enabled);
            metrics.refresh(now);
            ledger.forgetExpiredDeadLetters();
        } catch (RuntimeException e) {
            LOG.debugf("Subscription housekeeping failed: %s", e.getMessage());
        }
    }
}
