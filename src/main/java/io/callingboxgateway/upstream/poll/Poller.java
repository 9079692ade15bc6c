package io.callingboxgateway.upstream.poll;

import io.callingboxgateway.background.BackgroundThreads;
import io.callingboxgateway.background.RenewedLease;
import io.callingboxgateway.background.ReplicaIdentity;
import io.callingboxgateway.upstream.CallingBoxClient;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * One poll: take (or renew) the lease, then discovery, refresh and heal, each isolated from the
 * others' failures. Only the lease holder polls; every replica keeps its gauges current.
 *
 * <p>While a poll runs, its lease is held by a {@link RenewedLease}, which renews it on a timer. When a
 * renewal fails, the poll stops at the next batch or job, and what it records of its progress, fenced
 * by its term, lands nowhere. Releasing the lease at shutdown waits for the running poll first, so no
 * other replica starts while this one still writes.
 */
@ApplicationScoped
public class Poller {

    private static final Logger LOG = Logger.getLogger(Poller.class);
    private static final Duration RELEASE_WAIT = Duration.ofSeconds(8);

    /** What one poll attempt did; {@code failures} names the jobs that failed and why. */
    public record Report(
            boolean ran,
            CallDiscovery.Report discovery,
            CallRefresher.Report refresh,
            DeliveryHealer.Report heal,
            List<String> failures) {

        public boolean succeeded() {
            return ran && failures.isEmpty();
        }

        static Report skipped() {
            return new Report(false, null, null, null, List.of());
        }
    }

    private final CallingBoxClient client;
    private final PollerLease lease;
    private final PollProgress progress;
    private final CallDiscovery discovery;
    private final CallRefresher refresher;
    private final DeliveryHealer healer;
    private final PollerMetrics metrics;
    private final PollerConfig config;
    private final String replicaId;
    private final ScheduledExecutorService renewer;
    private final ReentrantLock running = new ReentrantLock();
    private volatile boolean releasing;

    Poller(
            CallingBoxClient client,
            PollerLease lease,
            PollProgress progress,
            CallDiscovery discovery,
            CallRefresher refresher,
            DeliveryHealer healer,
            PollerMetrics metrics,
            PollerConfig config,
            ReplicaIdentity replica,
            BackgroundThreads threads) {
        this.client = client;
        this.lease = lease;
        this.progress = progress;
        this.discovery = discovery;
        this.refresher = refresher;
        this.healer = healer;
        this.metrics = metrics;
        this.config = config;
        this.replicaId = replica.id();
        this.renewer = threads.timer("poller-lease-renewer");
    }

    public String replicaId() {
        return replicaId;
    }

    /** The scheduled trigger's work: a poll as this replica. Never throws. */
    public Report pollOnce() {
        try {
            return poll(replicaId, Instant.now());
        } catch (RuntimeException e) {
            LOG.errorf(e, "Poll failed");
            return new Report(true, null, null, null, List.of("poll: " + e.getMessage()));
        }
    }

    /** A poll as {@code owner}: does nothing unless that owner gets the lease. */
    public Report poll(String owner, Instant now) {
        return poll(owner, now, config.leaseDuration());
    }

    /** A poll as {@code owner} holding the lease for {@code ttl} at a time (tests use short leases). */
    public Report poll(String owner, Instant now, Duration ttl) {
        if (!client.configured()) {
            return Report.skipped();
        }
        running.lock();
        try {
            return releasing ? Report.skipped() : pollHoldingLock(owner, now, ttl);
        } finally {
            running.unlock();
        }
    }

    private Report pollHoldingLock(String owner, Instant now, Duration ttl) {
        metrics.lastSuccess(progress.read().lastSuccessAt());
        metrics.refreshStuck(now);
        PollerLease.Term term = lease.tryAcquire(owner, ttl).orElse(null);
        if (term == null) {
            LOG.debugf("Replica %s does not hold the poller lease; not polling", owner);
            return Report.skipped();
        }
        try (RenewedLease<PollerLease.Term> holding =
                new RenewedLease<>("poller", owner, term, () -> lease.renew(term, ttl), ttl, renewer)) {
            BooleanSupplier stillLeader = () -> holding.held() && !releasing;
            Timer.Sample sample = Timer.start();
            List<String> failures = new ArrayList<>();
            CallDiscovery.Report discovered =
                    job("discovery", failures, () -> discovery.discover(term, now, stillLeader));
            CallRefresher.Report refreshed =
                    stillLeader(holding, failures) ? job("refresh", failures, () -> refresher.refreshDue(now)) : null;
            DeliveryHealer.Report healed =
                    stillLeader(holding, failures) ? job("heal", failures, () -> healer.heal(now)) : null;
            sample.stop(metrics.pollTimer("all"));
            if (failures.isEmpty() && progress.recordSuccess(term)) {
                metrics.lastSuccess(Instant.now());
            }
            return new Report(true, discovered, refreshed, healed, List.copyOf(failures));
        }
    }

    /**
     * Lets another replica poll at once, e.g. when this one shuts down: a running poll is asked to stop
     * and waited for (up to {@link #RELEASE_WAIT}), since another poller must not start while it still
     * writes. If it does not end in time, the lease is left to run out instead.
     */
    public void release() {
        releasing = true;
        try {
            if (running.tryLock(RELEASE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                try {
                    lease.release(replicaId);
                } finally {
                    running.unlock();
                }
            } else {
                LOG.warnf("A poll still runs after %s; the poller lease is left to run out", RELEASE_WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            // Later polls may take the lease again (at shutdown the trigger is already gone).
            releasing = false;
        }
    }

    private boolean stillLeader(RenewedLease<PollerLease.Term> holding, List<String> failures) {
        if (!releasing && holding.confirm()) {
            return true;
        }
        failures.add(releasing ? "stopped: the replica is shutting down" : "lease: taken over by another replica");
        return false;
    }

    private <T> T job(String name, List<String> failures, Supplier<T> work) {
        Timer.Sample sample = Timer.start();
        try {
            return work.get();
        } catch (RuntimeException e) {
            failures.add(name + ": " + e.getMessage());
            LOG.warnf("Poll job %s failed: %s", name, e.getMessage());
            return null;
        } finally {
            sample.stop(metrics.pollTimer(name));
        }
    }
}
