package io.callingboxgateway.background;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;

/**
 * A lease term held while leased work runs (a poll, the Kafka publisher), renewed on a timer every third
 * of the lease so long work never outlives it. Once a renewal is refused, or a fenced write finds the
 * term over, the holding is lost for good: the work stops at its next step, and its fenced writes would
 * land nowhere anyway. A database hiccup during a renewal is not a lost lease.
 *
 * @param <T> the lease's term, as its fenced writes need it
 */
public final class RenewedLease<T> implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RenewedLease.class);

    private final String name;
    private final String owner;
    private final T term;
    private final BooleanSupplier renew;
    private final ScheduledFuture<?> renewal;
    private volatile boolean lost;

    /**
     * @param name what the lease is for, in log lines ("poller", "Kafka publisher")
     * @param renew extends the term by another lease; false when the term is over
     */
    public RenewedLease(
            String name, String owner, T term, BooleanSupplier renew, Duration ttl, ScheduledExecutorService timer) {
        this.name = name;
        this.owner = owner;
        this.term = term;
        this.renew = renew;
        long every = Math.max(1, ttl.toMillis() / 3);
        this.renewal = timer.scheduleAtFixedRate(this::renewQuietly, every, every, TimeUnit.MILLISECONDS);
    }

    public T term() {
        return term;
    }

    /** False once the term is over: another replica may do the work now. */
    public boolean held() {
        return !lost;
    }

    /** Called when a fenced write found the term over. */
    public void lost() {
        lost = true;
    }

    /**
     * Renews at once, between two steps, so the next starts with a whole lease ahead of it.
     *
     * @return false when the lease is lost (a database failure propagates)
     */
    public boolean confirm() {
        if (!lost && !renew.getAsBoolean()) {
            lost = true;
        }
        return !lost;
    }

    @Override
    public void close() {
        renewal.cancel(false);
    }

    private void renewQuietly() {
        if (lost) {
            return;
        }
        try {
            if (!renew.getAsBoolean()) {
                lost = true;
                LOG.warnf("Replica %s lost the %s lease; another replica takes the work over", owner, name);
            }
        } catch (RuntimeException e) {
            LOG.debugf("Could not renew the %s lease: %s", name, e.getMessage());
        }
    }
}
