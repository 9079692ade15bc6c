package io.callingboxgateway.upstream.poll;

import io.callingboxgateway.upstream.CallingBoxClient;
import io.callingboxgateway.upstream.CallingBoxConfig;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * One poll: take (or renew) the lease, then discovery, refresh and heal, each isolated from the
 * others' failures. Only the lease holder polls; every replica keeps its gauges current.
 */
@ApplicationScoped
public class Poller {

    private static final Logger LOG = Logger.getLogger(Poller.class);

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
        if (!client.configured()) {
            return Report.skipped();
        }
        Duration ttl = config.leaseDuration();
        PollerLease.State state = lease.tryAcquire(owner, ttl);
        metrics.lastSuccess(state.lastSuccessAt());
        metrics.refreshStuck(now);
        if (!state.held()) {
            LOG.debugf("Replica %s does not hold the poller lease; not polling", owner);
            return Report.skipped();
        }
        Timer.Sample sample = Timer.start();
        List<String> failures = new ArrayList<>();
        CallDiscovery.Report discovered =
                job("discovery", failures, () -> discovery.discover(owner, now, () -> lease.renew(owner, ttl)));
        CallRefresher.Report refreshed =
                stillLeader(owner, ttl, failures) ? job("refresh", failures, () -> refresher.refreshDue(now)) : null;
        DeliveryHealer.Report healed =
                stillLeader(owner, ttl, failures) ? job("heal", failures, () -> healer.heal(now)) : null;
        sample.stop(metrics.pollTimer("all"));
        if (failures.isEmpty()) {
            lease.recordSuccess(owner);
            metrics.lastSuccess(Instant.now());
        }
        return new Report(true, discovered, refreshed, healed, List.copyOf(failures));
    }

    /** Lets another replica poll at once, e.g. when this one shuts down. */
    public void release() {
        lease.release(replicaId);
    }

    private boolean stillLeader(String owner, Duration ttl, List<String> failures) {
        if (lease.renew(owner, ttl)) {
            return true;
        }
        failures.add("lease: taken over by another replica");
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
