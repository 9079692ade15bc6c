package io.callingboxgateway.upstream.poll;

import io.callingboxgateway.model.CallSnapshot;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * One scan's hand-over of listed calls to the storing thread, in batches. Reading and storing overlap,
 * and at most {@link #BATCHES_IN_FLIGHT} batches are alive besides the one being filled, so memory does
 * not grow with the list. Closing it before {@link #finish} (the scan failed or lost its lease) drops
 * the batches not started and waits for the one being stored, so no write of the scan outlives it.
 */
final class StoringBatches implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(StoringBatches.class);

    /** Batches handed to the storing thread and not yet done: one being stored, one waiting. */
    static final int BATCHES_IN_FLIGHT = 2;

    /** How long an abandoned scan waits for the batch being stored before it gives up waiting. */
    private static final Duration ABANDON_WAIT = Duration.ofMinutes(5);

    private final ExecutorService storing;
    private final Function<List<CallSnapshot>, DiscoveryStore.Stored> store;
    private final int batchSize;
    private final Deque<Future<DiscoveryStore.Stored>> inFlight = new ArrayDeque<>();
    private List<CallSnapshot> batch = new ArrayList<>();
    private volatile boolean abandoned;
    /** Calls handed to the storing thread and not yet stored. */
    private long held;

    private int maxHeld;
    private long applied;
    private long skipped;
    private long refused;
    private long compareNanos;
    private long applyNanos;

    StoringBatches(ExecutorService storing, Function<List<CallSnapshot>, DiscoveryStore.Stored> store, int batchSize) {
        this.storing = storing;
        this.store = store;
        this.batchSize = batchSize;
    }

    /**
     * Adds a call to the batch being filled.
     *
     * @return true when that filled the batch and it was handed on
     */
    boolean add(CallSnapshot call) {
        batch.add(call);
        maxHeld = (int) Math.max(maxHeld, held + batch.size());
        if (batch.size() < batchSize) {
            return false;
        }
        hand();
        return true;
    }

    /** Hands on the last batch and waits until every batch is stored; rethrows what storing threw. */
    void finish() {
        hand();
        awaitStored(0);
    }

    @Override
    public void close() {
        abandoned = true;
        inFlight.forEach(pending -> pending.cancel(false));
        // a batch already being stored ends first: cancel(false) does not stop it, and get() would not wait
        long deadline = System.nanoTime() + ABANDON_WAIT.toNanos();
        for (Future<DiscoveryStore.Stored> pending : inFlight) {
            try {
                pending.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                LOG.warn("Discovery ended while a batch of calls was still being stored");
                break;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (ExecutionException | CancellationException e) {
                // the scan already failed; this batch's outcome no longer matters
            }
        }
        inFlight.clear();
    }

    /** The most listed calls alive at once in this hand-over. */
    int maxHeld() {
        return maxHeld;
    }

    long applied() {
        return applied;
    }

    long skipped() {
        return skipped;
    }

    /** Calls the store refused (their own data did not fit); each is logged by id. */
    long refused() {
        return refused;
    }

    Duration compareTime() {
        return Duration.ofNanos(compareNanos);
    }

    Duration applyTime() {
        return Duration.ofNanos(applyNanos);
    }

    /** Hands the batch to the storing thread, first waiting while too many are in flight. */
    private void hand() {
        if (batch.isEmpty()) {
            return;
        }
        awaitStored(BATCHES_IN_FLIGHT - 1);
        List<CallSnapshot> full = batch;
        batch = new ArrayList<>(batchSize);
        inFlight.add(storing.submit(() -> abandoned ? new DiscoveryStore.Stored(0, 0, 0, 0, 0) : store.apply(full)));
        held += full.size();
    }

    /** Waits until at most {@code left} batches are still being stored; rethrows what storing threw. */
    private void awaitStored(int left) {
        while (inFlight.size() > left) {
            DiscoveryStore.Stored done;
            try {
                done = inFlight.peek().get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("discovery was interrupted", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException failure) {
                    throw failure;
                }
                throw new IllegalStateException(e.getCause());
            }
            inFlight.remove();
            held -= done.calls();
            applied += done.applied();
            skipped += done.skipped();
            refused += done.refused();
            compareNanos += done.compareNanos();
            applyNanos += done.applyNanos();
        }
    }
}
