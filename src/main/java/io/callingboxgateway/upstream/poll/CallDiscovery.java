package io.callingboxgateway.upstream.poll;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callingboxgateway.database.CallRefusal;
import io.callingboxgateway.model.CallSnapshot;
import io.callingboxgateway.reconcile.Reconciler;
import io.callingboxgateway.reconcile.Source;
import io.callingboxgateway.upstream.CallingBoxClient;
import io.callingboxgateway.upstream.CallingBoxConfig;
import io.callingboxgateway.upstream.UpstreamException;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;

/**
 * Finds calls the store lacks or holds stale by reading {@code GET /v1/calls}: one unpaged array of
 * every call ever made, newest first. It is parsed as a stream, one call at a time, and closed as soon
 * as it goes below the newest call of the last complete scan minus an overlap; calls created while
 * webhooks failed sit between known ones, so the first known call is no place to stop.
 *
 * <p>Parsed calls go in batches to a second thread, which compares each batch with the store in one
 * query and hands the reconciler every call not stored as listed, a few calls per transaction. Parsing
 * and storing thus overlap, and at most {@link #BATCHES_IN_FLIGHT} batches are alive besides the one
 * being filled, so memory does not grow with the list.
 */
@ApplicationScoped
public class CallDiscovery {

    private static final Logger LOG = Logger.getLogger(CallDiscovery.class);

    /** Batches handed to the storing thread and not yet done: one being stored, one waiting. */
    static final int BATCHES_IN_FLIGHT = 2;

    /**
     * Changed calls applied per transaction. Few enough that webhooks wait little for the event
     * sequence row it holds, and that one flush of its persistence context stays cheap.
     */
    static final int CALLS_PER_COMMIT = 20;

    /**
     * What one discovery did. {@code maxHeld} is the most call snapshots alive at once; the two
     * durations say how much of the scan went into comparing with the store and into applying.
     */
    public record Report(
            Source source,
            boolean stoppedEarly,
            long read,
            long applied,
            long skipped,
            long olderThanBackfill,
            long invalid,
            long outOfOrder,
            int maxHeld,
            Instant newest,
            Duration compareTime,
            Duration applyTime) {}

    private final CallingBoxClient client;
    private final Reconciler reconciler;
    private final StoredCalls stored;
    private final PollerLease lease;
    private final ObjectMapper json;
    private final MeterRegistry metrics;
    private final CallingBoxConfig config;

    CallDiscovery(
            CallingBoxClient client,
            Reconciler reconciler,
            StoredCalls stored,
            PollerLease lease,
            ObjectMapper json,
            MeterRegistry metrics,
            CallingBoxConfig config) {
        this.client = client;
        this.reconciler = reconciler;
        this.stored = stored;
        this.lease = lease;
        this.json = json;
        this.metrics = metrics;
        this.config = config;
    }

    /** Like {@link #discover(PollerLease.Term, Instant, BooleanSupplier)} in the term {@code owner} holds now. */
    public Report discover(String owner, Instant now, BooleanSupplier stillLeader) {
        return discover(lease.currentTerm(owner).orElseThrow(LeaseLostException::new), now, stillLeader);
    }

    /**
     * Scans the call list once and, when the scan completes, moves the high-water mark, only if
     * {@code term} is still the lease's current one.
     *
     * @param stillLeader asked after every batch; a scan that lost the lease stops at once
     */
    public Report discover(PollerLease.Term term, Instant now, BooleanSupplier stillLeader) {
        PollerLease.State state = lease.read();
        boolean firstScan = state.highWaterMark() == null;
        Instant stopBelow = firstScan ? null : state.highWaterMark().minus(config.discoveryOverlap());
        Instant backfillCutoff = firstScan ? now.minus(config.backfillSince()) : null;
        Source source = firstScan && stored.isEmpty() ? Source.BACKFILL : Source.POLL;

        Scan scan = new Scan(source, Math.max(1, config.discoveryBatch()));
        ExecutorService storing = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "call-discovery-store");
            thread.setDaemon(true);
            return thread;
        });
        InputStream body = client.openCallList();
        try (JsonParser parser = json.getFactory().createParser(body)) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw badList("it is not a JSON array");
            }
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.START_OBJECT) {
                // The element is read whole first (kept as received, ADR 0056), then bound
                JsonNode received = json.readTree(parser);
                CallSnapshot call;
                try {
                    call = CallSnapshot.read(json, received);
                } catch (JsonMappingException e) {
                    // One call CallingBox sent in a shape we cannot bind must not stop the scan at it
                    scan.unbindable(pathOf(e));
                    continue;
                }
                if (!scan.accept(call, stopBelow, backfillCutoff)) {
                    scan.stoppedEarly = true;
                    break;
                }
                if (scan.batch.size() >= scan.batchSize) {
                    scan.hand(storing);
                    if (!stillLeader.getAsBoolean()) {
                        throw new LeaseLostException();
                    }
                }
            }
            if (!scan.stoppedEarly && token != JsonToken.END_ARRAY) {
                throw badList("it holds something other than call objects");
            }
            scan.hand(storing);
            scan.awaitStored(0);
        } catch (IOException e) {
            throw new UpstreamException(
                    e instanceof com.fasterxml.jackson.core.JacksonException
                            ? UpstreamException.Kind.BAD_RESPONSE
                            : UpstreamException.Kind.CONNECTION,
                    "Reading GET /v1/calls failed: " + e.getMessage(),
                    e);
        } finally {
            closeQuietly(body);
            scan.dropWaiting();
            stop(storing);
        }
        // An empty list still completes a scan: any call created later is newer than the scan's start.
        if (!lease.recordCompleteScan(term, scan.newest != null ? scan.newest : now)) {
            // Taken over meanwhile: the new holder's scans decide where the mark stands.
            throw new LeaseLostException();
        }
        if (scan.outOfOrder > 0) {
            LOG.warnf(
                    "GET /v1/calls was not newest first (%d calls out of order); discovery relies on that order"
                            + " to stop early, so calls may be missed until a refresh finds them",
                    scan.outOfOrder);
        }
        Report report = scan.report();
        LOG.debugf("Discovery: %s", report);
        return report;
    }

    /**
     * Compares the batch with the store in one query and hands the reconciler every call not stored
     * as listed: it alone decides what that changes. Runs on the storing thread.
     */
    private Stored store(List<CallSnapshot> batch, Source source) {
        long started = System.nanoTime();
        Set<UUID> unchanged = stored.unchanged(batch);
        List<CallSnapshot> changed = new ArrayList<>();
        long unstorable = 0;
        for (CallSnapshot call : batch) {
            if (unchanged.contains(call.id())) {
                continue;
            }
            String why = call.unstorableField();
            if (why == null) {
                changed.add(call);
            } else {
                // stored, it would fail its whole transaction, and every scan after it
                LOG.warnf("Listed call %s is skipped: its %s, so it cannot be stored", call.id(), why);
                unstorable++;
            }
        }
        long compared = System.nanoTime();
        long skipped = batch.size() - changed.size() - unstorable;
        count("skipped", skipped);
        count("invalid", unstorable);
        long refused = 0;
        for (int from = 0; from < changed.size(); from += CALLS_PER_COMMIT) {
            List<CallSnapshot> chunk = changed.subList(from, Math.min(changed.size(), from + CALLS_PER_COMMIT));
            long stored = applyIsolated(chunk, source);
            count("applied", stored);
            refused += chunk.size() - stored;
        }
        count("invalid", refused);
        return new Stored(
                changed.size() - refused,
                skipped,
                unstorable + refused,
                compared - started,
                System.nanoTime() - compared);
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
        long stored = 0;
        for (CallSnapshot call : chunk) {
            try {
                applyDurably(List.of(call), source);
                stored++;
            } catch (RuntimeException e) {
                if (!CallRefusal.isCauseOf(e)) {
                    throw e;
                }
                LOG.warnf(
                        "Listed call %s is set aside: the store refused it (%s)",
                        call.id(), e.getClass().getSimpleName());
            }
        }
        return stored;
    }

    /** What storing one batch did. */
    private record Stored(long applied, long skipped, long invalid, long compareNanos, long applyNanos) {

        long calls() {
            return applied + skipped + invalid;
        }
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

    private void count(String outcome) {
        count(outcome, 1);
    }

    private void count(String outcome, long calls) {
        metrics.counter("callingbox.discovery.calls", "outcome", outcome).increment(calls);
    }

    /** The JSON field path a binding failure names, e.g. "created_at". */
    private static String pathOf(JsonMappingException e) {
        return e.getPath().stream()
                .map(JsonMappingException.Reference::getFieldName)
                .filter(java.util.Objects::nonNull)
                .collect(java.util.stream.Collectors.joining("."));
    }

    private static UpstreamException badList(String why) {
        return new UpstreamException(
                UpstreamException.Kind.BAD_RESPONSE, "GET /v1/calls answered something unexpected: " + why, null);
    }

    /** Lets a batch being stored finish, so no write of this scan outlives it. */
    private static void stop(ExecutorService storing) {
        storing.shutdown();
        try {
            if (!storing.awaitTermination(5, TimeUnit.MINUTES)) {
                LOG.warn("Discovery ended while a batch of calls was still being stored");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(InputStream body) {
        try {
            body.close();
        } catch (IOException | RuntimeException e) {
            LOG.debugf("Closing the call list: %s", e.getMessage());
        }
    }

    /** The scan stopped because this replica no longer holds the poller lease. */
    public static class LeaseLostException extends RuntimeException {
        LeaseLostException() {
            super("the poller lease was taken over during discovery", null, false, false);
        }
    }

    /** The running state of one scan. */
    private final class Scan {
        final Source source;
        final int batchSize;
        final Deque<Future<Stored>> inFlight = new ArrayDeque<>();
        List<CallSnapshot> batch = new ArrayList<>();
        /** Snapshots handed to the storing thread and not yet stored. */
        long held;

        boolean stoppedEarly;
        long read;
        long applied;
        long skipped;
        long olderThanBackfill;
        long invalid;
        long outOfOrder;
        int maxHeld;
        Instant newest;
        Instant previous;
        long compareNanos;
        long applyNanos;

        Scan(Source source, int batchSize) {
            this.source = source;
            this.batchSize = batchSize;
        }

        /** A list element that could not be bound to a call: counted, logged by its place, skipped. */
        void unbindable(String field) {
            read++;
            count("read");
            invalid++;
            count("invalid");
            LOG.warnf("Listed call #%d is set aside: its %s has a value of the wrong type or format", read, field);
        }

        /** @return false when the list has gone below the stop point */
        boolean accept(CallSnapshot call, Instant stopBelow, Instant backfillCutoff) {
            read++;
            count("read");
            // a created_at PostgreSQL cannot hold would end up as the high-water mark, failing every scan
            String missing = call.missingRequiredField();
            if (missing != null || !CallSnapshot.isStorable(call.createdAt())) {
                invalid++;
                count("invalid");
                LOG.warnf(
                        "Listed call #%d (id %s) is set aside: %s",
                        read,
                        call.id(),
                        missing != null ? "it has no usable " + missing : "its created_at cannot be stored");
                return true;
            }
            Instant created = call.createdAt();
            if (previous != null && created.isAfter(previous)) {
                outOfOrder++;
            }
            previous = created;
            if (newest == null || created.isAfter(newest)) {
                newest = created;
            }
            if (stopBelow != null && created.isBefore(stopBelow)) {
                return false;
            }
            if (backfillCutoff != null && created.isBefore(backfillCutoff)) {
                olderThanBackfill++;
                count("older_than_backfill");
                maxHeld = Math.max(maxHeld, 1);
                return true;
            }
            batch.add(call);
            maxHeld = (int) Math.max(maxHeld, held + batch.size());
            return true;
        }

        /** Hands the filled batch to the storing thread, first waiting while too many are in flight. */
        void hand(ExecutorService storing) {
            if (batch.isEmpty()) {
                return;
            }
            awaitStored(BATCHES_IN_FLIGHT - 1);
            List<CallSnapshot> full = batch;
            batch = new ArrayList<>(batchSize);
            inFlight.add(storing.submit(() -> store(full, source)));
            held += full.size();
        }

        /** Batches not started yet are dropped; a failed or abandoned scan is simply repeated. */
        void dropWaiting() {
            inFlight.forEach(pending -> pending.cancel(false));
            inFlight.clear();
        }

        /** Waits until at most {@code left} batches are still being stored; rethrows what storing threw. */
        void awaitStored(int left) {
            while (inFlight.size() > left) {
                Stored done;
                try {
                    done = inFlight.remove().get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("discovery was interrupted", e);
                } catch (ExecutionException e) {
                    dropWaiting();
                    if (e.getCause() instanceof RuntimeException failure) {
                        throw failure;
                    }
                    throw new IllegalStateException(e.getCause());
                }
                held -= done.calls();
                invalid += done.invalid();
                applied += done.applied();
                skipped += done.skipped();
                compareNanos += done.compareNanos();
                applyNanos += done.applyNanos();
            }
        }

        Report report() {
            return new Report(
                    source,
                    stoppedEarly,
                    read,
                    applied,
                    skipped,
                    olderThanBackfill,
                    invalid,
                    outOfOrder,
                    maxHeld,
                    newest,
                    Duration.ofNanos(compareNanos),
                    Duration.ofNanos(applyNanos));
        }
    }
}
