package io.callingboxgateway.upstream.poll;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * A term of the poller lease held while one poll runs: renewed on a timer every third of the lease, so
 * a long job never outlives it. Once a renewal is refused the holding is lost for good, and the poll
 * stops at its next batch or job; its fenced writes would land nowhere anyway.
 */
final class LeaseHolding implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LeaseHolding.class);

    private final PollerLease lease;
    private final PollerLease.Term term;
    private final Duration ttl;
    private final ScheduledFuture<?> renewal;
    private volatile boolean lost;

    LeaseHolding(PollerLease lease, PollerLease.Term term, Duration ttl, ScheduledExecutorService timer) {
        this.lease = lease;
        this.term = term;
        this.ttl = ttl;
        long every = Math.max(1, ttl.toMillis() / 3);
        this.renewal = timer.scheduleAtFixedRate(this::renewQuietly, every, every, TimeUnit.MILLISECONDS);
    }

    PollerLease.Term term() {
        return term;
    }

    /** False once a renewal was refused: another replica may poll now. */
    boolean held() {
        return !lost;
    }

    /**
     * Renews at once, between two jobs, so the next starts with a whole lease ahead of it.
     *
     * @return false when the lease is lost (a database failure propagates)
     */
    boolean confirm() {
        if (!lost && !lease.renew(term, ttl)) {
            lost = true;
        }
        return !lost;
    }

    @Override
    public void close() {
        renewal.cancel(false);
    }

    /** The timer's renewal; a database hiccup is not a lost lease, a refused renewal is. */
    private void renewQuietly() {
        if (lost) {
            return;
        }
        try {
            if (!lease.renew(term, ttl)) {
                lost = true;
                LOG.warnf("Replica %s lost the poller lease during a poll; stopping it", term.owner());
            }
        } catch (RuntimeException e) {
            LOG.debugf("Could not renew the poller lease: %s", e.getMessage());
        }
    }
}
