package io.callingboxgateway.upstream.poll;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.callingboxgateway.model.CallSnapshot;
import io.callingboxgateway.reconcile.Source;
import io.callingboxgateway.upstream.CallingBoxClient;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;

/**
 * Finds calls the store lacks or holds stale by reading {@code GET /v1/calls}: one unpaged array of
 * every call ever made, newest first ({@link CallListReader}). The scan ends as soon as the list goes
 * below the newest call of the last complete scan minus an overlap ({@link ScanCount}); calls created
 * while webhooks failed sit between known ones, so the first known call is no place to stop. Usable
 * calls go in batches to {@link DiscoveryStore}, which stores them while the list is still being read.
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
    private final DiscoveryStore store;
    private final StoredCalls stored;
    private final PollerLease lease;
    private final PollProgress progress;
    private final ObjectMapper json;
    private final MeterRegistry metrics;
    private final PollerConfig config;

    CallDiscovery(
            CallingBoxClient client,
            DiscoveryStore store,
            StoredCalls stored,
            PollerLease lease,
            PollProgress progress,
            ObjectMapper json,
            MeterRegistry metrics,
            PollerConfig config) {
        this.client = client;
        this.store = store;
        this.stored = stored;
        this.lease = lease;
        this.progress = progress;
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
        Instant mark = progress.read().highWaterMark();
        ScanCount count = mark == null
                ? ScanCount.first(now.minus(config.discovery().backfillSince()))
                : ScanCount.after(mark.minus(config.discovery().overlap()));
        Source source = mark == null && stored.isEmpty() ? Source.BACKFILL : Source.POLL;
        boolean stoppedEarly = false;
        Report report;
        try (CallListReader list = new CallListReader(client.openCallList(), json);
                StoringBatches batches = store.open(source, config.discovery().batch())) {
            for (CallListReader.Listed listed; (listed = list.next()) != null; ) {
                ScanCount.Verdict verdict = judge(listed, count);
                if (verdict == ScanCount.Verdict.STOP) {
                    stoppedEarly = true;
                    break;
                }
                if (verdict == ScanCount.Verdict.TAKE && batches.add(listed.call()) && !stillLeader.getAsBoolean()) {
                    throw new LeaseLostException();
                }
            }
            batches.finish();
            report = new Report(
                    source,
                    stoppedEarly,
                    count.read(),
                    batches.applied(),
                    batches.skipped(),
                    count.olderThanBackfill(),
                    count.invalid() + batches.refused(),
                    count.outOfOrder(),
                    Math.max(batches.maxHeld(), count.olderThanBackfill() > 0 ? 1 : 0),
                    count.newest(),
                    batches.compareTime(),
                    batches.applyTime());
        }
        // An empty list still completes a scan: any call created later is newer than the scan's start.
        if (!progress.recordCompleteScan(term, count.newest() != null ? count.newest() : now)) {
            // Taken over meanwhile: the new holder's scans decide where the mark stands.
            throw new LeaseLostException();
        }
        if (count.outOfOrder() > 0) {
            LOG.warnf(
                    "GET /v1/calls was not newest first (%d calls out of order); discovery relies on that order"
                            + " to stop early, so calls may be missed until a refresh finds them",
                    count.outOfOrder());
        }
        LOG.debugf("Discovery: %s", report);
        return report;
    }

    /**
     * Counts a listed element and says what becomes of it; one that is no usable call is set aside, by
     * its place in the list, and takes no part in the stop rule.
     */
    private ScanCount.Verdict judge(CallListReader.Listed listed, ScanCount count) {
        count("read");
        CallSnapshot call = listed.call();
        String problem = call == null
                ? "its " + listed.unbindableField() + " has a value of the wrong type or format"
                : UsableCall.problem(call);
        if (problem != null) {
            ScanCount.Verdict setAside = count.setAside();
            count("invalid");
            LOG.warnf(
                    "Listed call #%d%s is set aside: %s",
                    count.read(), call == null || call.id() == null ? "" : " (id " + call.id() + ")", problem);
            return setAside;
        }
        ScanCount.Verdict verdict = count.judge(call.createdAt());
        if (verdict == ScanCount.Verdict.OLDER_THAN_BACKFILL) {
            count("older_than_backfill");
        }
        return verdict;
    }

    private void count(String outcome) {
        metrics.counter("callingbox.discovery.calls", "outcome", outcome).increment();
    }

    /** The scan stopped because this replica no longer holds the poller lease. */
    public static class LeaseLostException extends RuntimeException {
        LeaseLostException() {
            super("the poller lease was taken over during discovery", null, false, false);
        }
    }
}
