package io.callingboxgateway.upstream.poll;

import io.callingboxgateway.database.CallRefusal;
import io.callingboxgateway.model.CallSnapshot;
import io.callingboxgateway.reconcile.CallMerge.Outcome;
import io.callingboxgateway.reconcile.Reconciler;
import io.callingboxgateway.reconcile.Source;
import io.callingboxgateway.upstream.CallingBoxClient;
import io.callingboxgateway.upstream.UpstreamException;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Re-reads unsettled calls with {@code GET /v1/calls/{id}}: the cure for a call whose webhooks were
 * lost. Each read is applied in its own transaction; no transaction is open during an HTTP request.
 */
@ApplicationScoped
public class CallRefresher {

    private static final Logger LOG = Logger.getLogger(CallRefresher.class);

    /** What one refresh round did. */
    public record Report(int due, int changed, int unchanged, int settled, int missing, int invalid) {}

    private final CallingBoxClient client;
    private final Reconciler reconciler;
    private final RefreshSchedule schedule;
    private final MeterRegistry metrics;
    private final PollerConfig config;

    CallRefresher(
            CallingBoxClient client,
            Reconciler reconciler,
            RefreshSchedule schedule,
            MeterRegistry metrics,
            PollerConfig config) {
        this.client = client;
        this.reconciler = reconciler;
        this.schedule = schedule;
        this.metrics = metrics;
        this.config = config;
    }

    /**
     * Re-reads the calls due at {@code now}, at most the configured batch. An upstream failure ends the
     * round (the breaker would refuse the rest anyway); the calls not reached stay due.
     */
    public Report refreshDue(Instant now) {
        schedule.sync(now);
        List<UUID> due = schedule.due(now, config.refresh().batch());
        int changed = 0;
        int unchanged = 0;
        int settled = 0;
        int missing = 0;
        int invalid = 0;
        for (UUID id : due) {
            Optional<Read> read;
            try {
                read = refresh(id, now);
            } catch (RuntimeException e) {
                if (!isPoison(e)) {
                    throw e; // CallingBox or the database is down: the round ends, the next one tries again
                }
                setAside(id, now, e);
                invalid++;
                continue;
            }
            if (read.isEmpty()) {
                missing++;
                continue;
            }
            if (read.get().changed()) changed++;
            else unchanged++;
            if (read.get().next() == RefreshSchedule.Next.SETTLED) settled++;
        }
        return new Report(due.size(), changed, unchanged, settled, missing, invalid);
    }

    /**
     * A call CallingBox answered in a shape we cannot use, or one the store refused: it must neither end
     * the round nor stay first in line, or every round would stop at it.
     */
    private static boolean isPoison(RuntimeException e) {
        if (e instanceof UpstreamException upstream) {
            return upstream.kind() == UpstreamException.Kind.BAD_RESPONSE;
        }
        return CallRefusal.isCauseOf(e);
    }

    /** Counts and logs the call by id, and backs it off as if the read had changed nothing. */
    private void setAside(UUID id, Instant now, RuntimeException e) {
        metrics.counter("callingbox.refresh.invalid").increment();
        LOG.warnf("Refresh of call %s failed and is backed off: %s", id, e.getMessage());
        schedule.recordRead(id, false, now, interval(), config.refresh().capFactor());
    }

    /** One re-read and its effect on the store and the schedule. */
    public record Read(CallSnapshot call, Outcome outcome, RefreshSchedule.Next next) {
        public boolean changed() {
            return outcome == Outcome.CREATED || outcome == Outcome.APPLIED;
        }
    }

    /**
     * Re-reads one call now and applies it.
     *
     * @return empty when CallingBox does not know the call (it is then marked missing and no longer re-read)
     * @throws UpstreamException when CallingBox could not be asked
     */
    public Optional<Read> refresh(UUID id, Instant now) {
        Optional<CallSnapshot> snapshot = client.call(id);
        if (snapshot.isEmpty()) {
            schedule.markMissing(id, now);
            metrics.counter("callingbox.refresh.missing").increment();
            LOG.warnf("CallingBox does not know call %s (404); it is no longer re-read", id);
            return Optional.empty();
        }
        CallSnapshot call = snapshot.get();
        String problem = id.equals(call.id()) ? UsableCall.problem(call) : "it is another call (id " + call.id() + ")";
        if (problem != null) {
            throw new UpstreamException(
                    UpstreamException.Kind.BAD_RESPONSE,
                    "GET /v1/calls/" + id + " answered a call object that cannot be used: " + problem,
                    null);
        }
        Outcome outcome = reconciler.apply(call, Source.POLL, null);
        boolean changed = outcome == Outcome.CREATED || outcome == Outcome.APPLIED;
        RefreshSchedule.Next next = schedule.recordRead(
                id, changed, now, interval(), config.refresh().capFactor());
        metrics.counter("callingbox.refresh.reads", "changed", Boolean.toString(changed))
                .increment();
        return Optional.of(new Read(call, outcome, next));
    }

    private Duration interval() {
        return config.interval().orDefault();
    }
}
