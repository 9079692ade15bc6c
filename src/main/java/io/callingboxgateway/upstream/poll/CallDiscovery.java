package io.callingboxgateway.upstream.poll;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callingboxgateway.calls.CallSnapshot;
import io.callingboxgateway.reconcile.Reconciler;
import io.callingboxgateway.reconcile.Source;
import io.callingboxgateway.upstream.CallingBoxClient;
import io.callingboxgateway.upstream.CallingBoxConfig;
import io.callingboxgateway.upstream.UpstreamException;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;

/**
 * Finds calls the store lacks or holds stale by reading {@code GET /v1/calls}: one unpaged array of
 * every call ever made, newest first. It is parsed as a stream, one call at a time, and closed as soon
 * as it goes below the newest call of the last complete scan minus an overlap; calls created while
 * webhooks failed sit between known ones, so the first known call is no place to stop. Calls already
 * stored exactly as listed are skipped after one batched comparison in the database, so a long list
 * costs little more than parsing it; the rest go to the reconciler, one call per transaction.
 */
@ApplicationScoped
public class CallDiscovery {

    private static final Logger LOG = Logger.getLogger(CallDiscovery.class);

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
    private final EntityManager em;

    CallDiscovery(
            CallingBoxClient client,
            Reconciler reconciler,
            StoredCalls stored,
            PollerLease lease,
            ObjectMapper json,
            MeterRegistry metrics,
            CallingBoxConfig config,
            EntityManager em) {
        this.em = em;
        this.client = client;
        this.reconciler = reconciler;
        this.stored = stored;
        this.lease = lease;
        this.json = json;
        this.metrics = metrics;
        this.config = config;
    }

    /**
     * Scans the call list once and, when the scan completes, moves the high-water mark.
     *
     * @param stillLeader asked after every batch; a scan that lost the lease stops at once
     */
    public Report discover(String owner, Instant now, BooleanSupplier stillLeader) {
        PollerLease.State state = lease.read();
        boolean firstScan = state.highWaterMark() == null;
        Instant stopBelow = firstScan ? null : state.highWaterMark().minus(config.discoveryOverlap());
        Instant backfillCutoff = firstScan ? now.minus(config.backfillSince()) : null;
        Source source = firstScan && stored.isEmpty() ? Source.BACKFILL : Source.POLL;

        Scan scan = new Scan(source, Math.max(1, config.discoveryBatch()));
        InputStream body = client.openCallList();
        try (JsonParser parser = json.getFactory().createParser(body)) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw badList("it is not a JSON array");
            }
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.START_OBJECT) {
                CallSnapshot call = json.readValue(parser, CallSnapshot.class);
                if (!scan.accept(call, stopBelow, backfillCutoff)) {
                    scan.stoppedEarly = true;
                    break;
                }
                if (scan.batch.size() >= scan.batchSize) {
                    flush(scan);
                    if (!stillLeader.getAsBoolean()) {
                        throw new LeaseLostException();
                    }
                }
            }
            if (!scan.stoppedEarly && token != JsonToken.END_ARRAY) {
                throw badList("it holds something other than call objects");
            }
        } catch (IOException e) {
            throw new UpstreamException(
                    e instanceof com.fasterxml.jackson.core.JacksonException
                            ? UpstreamException.Kind.BAD_RESPONSE
                            : UpstreamException.Kind.CONNECTION,
                    "Reading GET /v1/calls failed: " + e.getMessage(),
                    e);
        } finally {
            closeQuietly(body);
        }
        flush(scan);
        // An empty list still completes a scan: any call created later is newer than the scan's start.
        lease.recordCompleteScan(owner, scan.newest != null ? scan.newest : now);
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
     * exactly as listed: it alone decides what that changes.
     */
    private void flush(Scan scan) {
        if (scan.batch.isEmpty()) {
            return;
        }
        long started = System.nanoTime();
        Set<UUID> unchanged = stored.identical(scan.batch);
        List<CallSnapshot> changed = new ArrayList<>();
        for (CallSnapshot call : scan.batch) {
            if (unchanged.contains(call.id())) {
                scan.skipped++;
                count("skipped");
            } else {
                changed.add(call);
            }
        }
        long compared = System.nanoTime();
        scan.compareNanos += compared - started;
        for (CallSnapshot call : changed) {
            applyLazilyDurable(call, scan.source);
            scan.applied++;
            count("applied");
        }
        scan.applyNanos += System.nanoTime() - compared;
        scan.batch.clear();
    }

    /**
     * One call, one transaction, committed without waiting for the WAL flush. Safe for polled data: a
     * crash can only lose the last few such commits, and never once the scan's high-water mark (a
     * normal, flushed commit that comes after them in the WAL) is durable; an unrecorded scan is
     * simply repeated. Without this, a first scan of a big organisation spends most of its time in
     * fsync.
     */
    private void applyLazilyDurable(CallSnapshot call, Source source) {
        QuarkusTransaction.requiringNew().run(() -> {
            em.createNativeQuery("set local synchronous_commit = off").executeUpdate();
            reconciler.apply(call, source, null);
        });
    }

    private void count(String outcome) {
        metrics.counter("callingbox.discovery.calls", "outcome", outcome).increment();
    }

    private static UpstreamException badList(String why) {
        return new UpstreamException(
                UpstreamException.Kind.BAD_RESPONSE, "GET /v1/calls answered something unexpected: " + why, null);
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
        final List<CallSnapshot> batch = new ArrayList<>();
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

        /** @return false when the list has gone below the stop point */
        boolean accept(CallSnapshot call, Instant stopBelow, Instant backfillCutoff) {
            read++;
            count("read");
            if (call.missingRequiredField() != null) {
                invalid++;
                count("invalid");
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
            maxHeld = Math.max(maxHeld, batch.size());
            return true;
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
