package io.callingboxgateway.kafka;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * A term of the publisher lease, renewed on a timer every third of the lease, so that a publish round
 * stuck on an unreachable broker (up to the producer's delivery timeout) does not lose it. Once a
 * renewal is refused the holding is lost for good; the position can no longer be recorded under it.
 */
final class KeptLease implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(KeptLease.class);

    private final PublisherLease lease;
    private final PublisherLease.Term term;
    private final Duration ttl;
    private final ScheduledFuture<?> renewal;
    private volatile boolean lost;

    KeptLease(PublisherLease lease, PublisherLease.Term term, Duration ttl, ScheduledExecutorService timer) {
        this.lease = lease;
        this.term = term;
        this.ttl = ttl;
        long every = Math.max(1, ttl.toMillis() / 3);
        this.renewal = timer.scheduleAtFixedRate(this::renewQuietly, every, every, TimeUnit.MILLISECONDS);
    }

    PublisherLease.Term term() {
        return term;
    }

    boolean held() {
        return !lost;
    }

    /** Called when a fenced write found the term over. */
    void lost() {
        lost = true;
    }

    @Override
    public void close() {
        renewal.cancel(false);
    }

    /** A database hiccup is not a lost lease; a refused renewal is. */
    private void renewQuietly() {
        if (lost) {
            return;
        }
        try {
            if (!lease.renew(term, ttl)) {
                lost = true;
                LOG.warnf("Replica %s lost the Kafka publisher lease; another replica publishes now", term.owner());
            }
        } catch (RuntimeException e) {
            LOG.debugf("Could not renew the Kafka publisher lease: %s", e.getMessage());
        }
    }
}
