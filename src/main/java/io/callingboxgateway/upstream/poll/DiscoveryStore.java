package io.callingboxgateway.upstream.poll;

import io.callingboxgateway.background.BackgroundThreads;
import io.callingboxgateway.database.CallRefusal;
import io.callingboxgateway.model.CallSnapshot;
import io.callingboxgateway.reconcile.Reconciler;
import io.callingboxgateway.reconcile.Source;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import org.jboss.logging.Logger;

/**
 * The writing half of discovery: on a thread of its own, compares each batch of listed calls with the
 * store in one query and hands the reconciler every call not stored as listed, a few calls per
 * transaction. The reading half hands batches over through {@link #open}.
 */
@ApplicationScoped
public class DiscoveryStore {

    private static final Logger LOG = Logger.getLogger(DiscoveryStore.class);

    /**
     * Changed calls applied per transaction. Few enough that webhooks wait little for the event
     * sequence row it holds, and that one flush of its persistence context stays cheap.
     */
    static final int CALLS_PER_COMMIT = 20;

    /** What storing one batch did. */
    record Stored(long applied, long skipped, long refused, long compareNanos, long applyNanos) {

        long calls() {
            return applied + skipped + refused;
        }
    }

    private final Reconciler reconciler;
    private final StoredCalls stored;
    private final MeterRegistry metrics;
    private final ExecutorService storing;

    DiscoveryStore(Reconciler reconciler, StoredCalls stored, MeterRegistry metrics, BackgroundThreads threads) {
        this.reconciler = reconciler;
        this.stored = stored;
        this.metrics = metrics;
        // One thread: batches are stored in the order they were listed, one scan at a time
        this.storing = threads.workers("call-discovery-store", 1);
    }

    /** The hand-over of one scan's batches to the storing thread. */
    StoringBatches open(Source source, int batchSize) {
        return new StoringBatches(storing, batch -> store(batch, source), batchSize);
    }

    /**
     * Compares the batch with the store in one query and hands the reconciler every call not stored
     * as listed: it alone decides what that changes. Runs on the storing thread.
     */
    private Stored store(List<CallSnapshot> batch, Source source) {
        long started = System.nanoTime();
        Set<UUID> unchanged = stored.unchanged(batch);
        List<CallSnapshot> changed = new ArrayList<>();
        for (CallSnapshot call : batch) {
            if (!unchanged.contains(call.id())) {
                changed.add(call);
            }
        }
        long compared = System.nanoTime();
        long skipped = batch.size() - changed.size();
        count("skipped", skipped);
        long refused = 0;
        for (int from = 0; from < changed.size(); from += CALLS_PER_COMMIT) {
            List<CallSnapshot> chunk = changed.subList(from, Math.min(changed.size(), from + CALLS_PER_COMMIT));
            long applied = applyIsolated(chunk, source);
            count("applied", applied);
            refused += chunk.size() - applied;
        }
        count("invalid", refused);
        return new Stored(changed.size() - refused, skipped, refused, compared - started, System.nanoTime() - compared);
    }

    /**
     * Applies a chunk in one transaction; when that fails because of a call's own data, applies its calls
     * one by one, so the call that cannot be stored is set aside and logged by id, and the calls around it
     * are stored. Any other failure (an outage, a database refusing everything) fails the scan, which is
     * then repeated: setting every call aside would lose them.
     *
     * @return how many calls were stored
     */
    private long applyIsolated(List<CallSnapshot> chunk, Source source) {
        try {
            applyDurably(chunk, source);
            return chunk.size();
        } catch (RuntimeException e) {
            if (!CallRefusal.isCauseOf(e)) {
                throw e;
            }
        }
        long applied = 0;
        for (CallSnapshot call : chunk) {
            try {
                applyDurably(List.of(call), source);
                applied++;
            } catch (RuntimeException e) {
                if (!CallRefusal.isCauseOf(e)) {
                    throw e;
                }
                LOG.warnf(
                        "Listed call %s is set aside: the store refused it (%s)",
                        call.id(), e.getClass().getSimpleName());
            }
        }
        return applied;
    }

    /**
     * A few calls, one transaction, one WAL flush at its commit. Never committed asynchronously: the
     * events it writes are visible to consumers at commit, and an event a crash could take back would
     * have its id handed to a different event after the restart, which a consumer past that id would
     * skip. Batching (CALLS_PER_COMMIT calls a flush, unchanged calls not written at all) keeps the
     * cost of that flush small.
     */
    private void applyDurably(List<CallSnapshot> calls, Source source) {
        QuarkusTransaction.requiringNew().run(() -> reconciler.applyAll(calls, source));
    }

    private void count(String outcome, long calls) {
        metrics.counter("callingbox.discovery.calls", "outcome", outcome).increment(calls);
    }
}
