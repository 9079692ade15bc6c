package io.callingboxgateway.upstream.poll;

import io.callingboxgateway.upstream.CallingBoxClient;
import io.callingboxgateway.upstream.CallingBoxConfig;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * One poll: take (or renew) the lease, then discovery, refresh and heal, each isolated from the
 * others' failures. Only the lease holder polls; every replica keeps its gauges current.
 *
 * <p>While a poll runs, its lease is renewed on a timer of its own (every third of the lease), so a
 * long refresh or heal never outlives it. When a renewal fails, the poll stops at the next batch or
 * job, and its writes to the lease row, fenced by its term, land nowhere. Releasing the lease at
 * shutdown waits for the running poll first, so no other replica starts while this one still writes.
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
    private final CallDiscovery discovery;
    private final CallRefresher refresher;
    private final DeliveryHealer healer;
    private final PollerMetrics metrics;
    private final CallingBoxConfig config;
    private final String replicaId;
    private final ReentrantLock running = new ReentrantLock();
    private volatile boolean releasing;
    private ScheduledExecutorService renewer;

    Poller(
            CallingBoxClient client,
            PollerLease lease,
            CallDiscovery discovery,
            CallRefresher refresher,
            DeliveryHealer healer,
            PollerMetrics metrics,
            CallingBoxConfig config) {
        this.client = client;
        this.lease = lease;
        this.discovery = discovery;
        this.refresher = refresher;
        this.healer = healer;
        this.metrics = metrics;
        this.config = config;
        this.replicaId = config.replicaId().orElseGet(Poller::defaultReplicaId);
    }

    @PostConstruct
    void startRenewer() {
        renewer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "poller-lease-renewer");
            thread.setDaemon(true);
            return thread;
        });
    }

    @PreDestroy
    void stopRenewer() {
        renewer.shutdownNow();
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
        PollerLease.State state = lease.tryAcquire(owner, ttl);
        metrics.lastSuccess(state.lastSuccessAt());
        metrics.refreshStuck(now);
        if (!state.held()) {
            LOG.debugf("Replica %s does not hold the poller lease; not polling", owner);
            return Report.skipped();
        }
        PollerLease.Term term = state.term();
        AtomicBoolean lost = new AtomicBoolean();
        long every = Math.max(1, ttl.toMillis() / 3);
        ScheduledFuture<?> renewal =
                renewer.scheduleAtFixedRate(() -> renew(term, ttl, lost), every, every, TimeUnit.MILLISECONDS);
        try {
            BooleanSupplier stillLeader = () -> !lost.get() && !releasing;
            Timer.Sample sample = Timer.start();
            List<String> failures = new ArrayList<>();
            CallDiscovery.Report discovered =
                    job("discovery", failures, () -> discovery.discover(term, now, stillLeader));
            CallRefresher.Report refreshed = stillLeader(term, ttl, lost, failures)
                    ? job("refresh", failures, () -> refresher.refreshDue(now))
                    : null;
            DeliveryHealer.Report healed =
                    stillLeader(term, ttl, lost, failures) ? job("heal", failures, () -> healer.heal(now)) : null;
            sample.stop(metrics.pollTimer("all"));
            if (failures.isEmpty() && lease.recordSuccess(term)) {
                metrics.lastSuccess(Instant.now());
            }
            return new Report(true, discovered, refreshed, healed, List.copyOf(failures));
        } finally {
            renewal.cancel(false);
        }
    }

    /** The timer's renewal; a database hiccup is not a lost lease, a refused renewal is. */
    private void renew(PollerLease.Term term, Duration ttl, AtomicBoolean lost) {
        if (lost.get()) {
            return;
        }
        try {
            if (!lease.renew(term, ttl)) {
                lost.set(true);
                LOG.warnf("Replica %s lost the poller lease during a poll; stopping it", term.owner());
            }
        } catch (RuntimeException e) {
            LOG.debugf("Could not renew the poller lease: %s", e.getMessage());
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

    private boolean stillLeader(PollerLease.Term term, Duration ttl, AtomicBoolean lost, List<String> failures) {
        if (!lost.get() && !releasing && lease.renew(term, ttl)) {
            return true;
        }
        lost.set(true);
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

    private static String defaultReplicaId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "replica";
        }
        return host + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
