package io.callingboxgateway.upstream.poll;

import io.callingboxgateway.database.RefreshConfig;
import io.callingboxgateway.problem.ProblemException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/**
 * Bounds the refreshes callers force at once on this replica. Each holds a worker thread, a database
 * connection and a CallingBox request for up to the upstream timeout; without a bound, a burst of them
 * would take the connections webhooks need. One beyond the bound is answered 429 at once, not queued.
 */
@ApplicationScoped
public class RefreshBulkhead {

    /** Seconds a refused caller is asked to wait: a refresh lasts at most the upstream timeout. */
    static final int RETRY_AFTER_SECONDS = 2;

    private final Semaphore places;
    private final int size;
    private final Counter refused;

    RefreshBulkhead(RefreshConfig limits, MeterRegistry metrics) {
        this.size = limits.maxConcurrent();
        this.places = new Semaphore(size);
        this.refused = metrics.counter("gateway.refresh.refused");
    }

    /**
     * Runs the refresh in a free place.
     *
     * @throws ProblemException 429 with Retry-After when every place is taken
     */
    public <T> T run(Supplier<T> refresh) {
        if (!places.tryAcquire()) {
            refused.increment();
            throw ProblemException.tooBusy(
                    "too-many-refreshes",
                    "this replica already runs " + size + " refreshes; try again later",
                    RETRY_AFTER_SECONDS);
        }
        try {
            return refresh.get();
        } finally {
            places.release();
        }
    }
}
