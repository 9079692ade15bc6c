package io.callingboxgateway.database;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Bounds the database connections reads hold at once on this replica, so a flood of reads waits here
 * for its own places instead of taking the pool's connections from webhooks. A read that finds no
 * place within {@code gateway.reads.max-wait} is answered 503 with Retry-After ({@link ReadsBusy}).
 */
@ApplicationScoped
public class ReadBudget {

    private static final Logger LOG = Logger.getLogger(ReadBudget.class);

    private final int poolSize;
    private final int refreshes;
    private final int size;
    private final Duration maxWait;
    private final Semaphore places;
    private final Counter refused;

    ReadBudget(ReadsConfig config, RefreshConfig refresh, AgroalDataSource pool, MeterRegistry metrics) {
        // The pool's own figure: quarkus.datasource.jdbc.max-size with Quarkus's default, not a copy of it
        this.poolSize = pool.getConfiguration().connectionPoolConfiguration().maxSize();
        this.refreshes = refresh.maxConcurrent();
        this.size = config.maxConnections().orElse(Math.max(1, (poolSize - refreshes) / 2));
        this.maxWait = config.maxWait();
        this.places = new Semaphore(size, true);
        this.refused = metrics.counter("gateway.reads.refused");
        metrics.gauge("gateway.reads.in.use", places, p -> size - p.availablePermits());
    }

    void checkAtStartup(@Observes StartupEvent event) {
        int rest = poolSize - size - refreshes;
        if (rest < 1) {
            throw new IllegalStateException(("gateway.reads.max-connections (%d) and gateway.refresh.max-concurrent"
                            + " (%d) take the whole pool (quarkus.datasource.jdbc.max-size %d): webhooks would have"
                            + " no connection left")
                    .formatted(size, refreshes, poolSize));
        }
        LOG.infof(
                "Database pool of %d: %d for reads, %d for refreshes, %d for webhooks and background work",
                poolSize, size, refreshes, rest);
    }

    /**
     * Takes a place, waiting up to {@code gateway.reads.max-wait}; the caller gives it back with
     * {@link #release()}. Waits only on a thread that may block.
     *
     * @throws ReadsBusy when no place came free in time
     */
    public void acquire(boolean mayWait) {
        boolean taken;
        try {
            taken = mayWait ? places.tryAcquire(maxWait.toMillis(), TimeUnit.MILLISECONDS) : places.tryAcquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            taken = false;
        }
        if (!taken) {
            refused.increment();
            throw new ReadsBusy(size);
        }
    }

    /** How many reads this replica serves at once. */
    public int size() {
        return size;
    }

    public void release() {
        places.release();
    }

    /** Runs a read in a place, on a thread that may block. */
    public <T> T call(Supplier<T> read) {
        acquire(true);
        try {
            return read.get();
        } finally {
            release();
        }
    }
}
