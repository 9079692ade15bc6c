package io.callingboxgateway.reconcile;

import io.callingboxgateway.model.CallSnapshot;
import io.callingboxgateway.reconcile.CallMerge.Outcome;
import io.callingboxgateway.reconcile.CallMerge.Result;
import io.callingboxgateway.reconcile.EventLogWriter.Decision;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The single writer of call state. Webhooks and polls both hand it a snapshot and where it came from;
 * it merges under a per-call lock and, in the same transaction, records every accepted change in the
 * event log. The decisions themselves are pure and live beside it: {@link CallMerge} (the merge) and
 * {@link MergeEvents} (the events a merge makes); {@link EventLogWriter} writes them down.
 */
@ApplicationScoped
public class Reconciler {

    /** Namespace of the per-call advisory locks ("CALL"), apart from any other lock the gateway takes. */
    private static final int CALL_LOCK_SPACE = 0x43414C4C;

    private final EntityManager em;
    private final EventLogWriter log;
    private final MeterRegistry metrics;
    private final ReconcileConfig config;
    private final Tracer tracer;

    Reconciler(EntityManager em, EventLogWriter log, MeterRegistry metrics, ReconcileConfig config, Tracer tracer) {
        this.em = em;
        this.log = log;
        this.metrics = metrics;
        this.config = config;
        this.tracer = tracer;
    }

    /** A webhook's snapshot and envelope id, with the trace of the request that brought it. */
    public record Heard(CallSnapshot snapshot, UUID upstreamEventId, Context trace) {}

    /**
     * Applies several webhooks in the caller's transaction, as one commit. The calls are locked as in
     * {@link #applyAll}, in one statement and a fixed order, so two such batches never wait on each
     * other in a circle; then read in one query, so each apply finds its call already loaded. Webhooks
     * of the same call are applied in list order, each merging into what the one before left. Each gets
     * its own {@code reconcile} span under its request's trace, so its events carry that trace on.
     *
     * @return each webhook's outcome, in list order
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public List<Outcome> applyHeard(List<Heard> heard) {
        heard.forEach(webhook -> requireUsable(webhook.snapshot()));
        lockCalls(heard.stream()
                .mapToInt(webhook -> lockKey(webhook.snapshot().id()))
                .sorted()
                .distinct()
                .toArray());
        List<UUID> ids = heard.stream()
                .map(webhook -> webhook.snapshot().id())
                .distinct()
                .toList();
        // loaded into the persistence context, so applyLocked's find reads no row of a known call
        em.createQuery("from Call where id in :ids", Call.class)
                .setParameter("ids", ids)
                .getResultList();
        List<Outcome> outcomes = new ArrayList<>(heard.size());
        for (Heard webhook : heard) {
            Span span =
                    tracer.spanBuilder("reconcile").setParent(webhook.trace()).startSpan();
            try (Scope scope = span.makeCurrent()) {
                outcomes.add(applyLocked(webhook.snapshot(), Source.WEBHOOK, webhook.upstreamEventId()));
            } catch (RuntimeException e) {
                span.recordException(e).setStatus(StatusCode.ERROR);
                throw e;
            } finally {
                span.end();
            }
        }
        return outcomes;
    }

    /**
     * Applies one snapshot. Joins the caller's transaction if there is one, so a webhook's receipt and
     * its effect commit together; otherwise runs in its own. Callers must not load the call themselves
     * first: the row is read only once the per-call lock is held.
     *
     * @param upstreamEventId the webhook envelope id, or null for a poll
     */
    @Transactional
    @WithSpan("reconcile")
    public Outcome apply(CallSnapshot snapshot, Source source, UUID upstreamEventId) {
        requireUsable(snapshot);
        lockCalls(new int[] {lockKey(snapshot.id())});
        return applyLocked(snapshot, source, upstreamEventId);
    }

    /**
     * Applies snapshots of several calls in the caller's transaction, as one commit. Every call's lock
     * is taken first, in one statement and in a fixed order, before anything is written: a transaction
     * that took them one by one would hold the event sequence row (written by its first apply) while
     * waiting for a webhook's call lock, and that webhook would wait for the row.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    @WithSpan("reconcile")
    public void applyAll(List<CallSnapshot> snapshots, Source source) {
        snapshots.forEach(Reconciler::requireUsable);
        lockCalls(snapshots.stream()
                .mapToInt(snapshot -> lockKey(snapshot.id()))
                .sorted()
                .distinct()
                .toArray());
        for (CallSnapshot snapshot : snapshots) {
            applyLocked(snapshot, source, null);
        }
    }

    /**
     * Appends {@code call.transcript_ready} for a call whose transcript the caller just stored in this
     * transaction, under the call's lock like every other event of it. False when the call is gone.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean transcriptReady(UUID callId) {
        lockCalls(new int[] {lockKey(callId)});
        Call call = em.find(Call.class, callId);
        if (call == null) {
            return false;
        }
        log.writeNews(
                call, CallEvent.TRANSCRIPT_READY, Source.POLL, Instant.now().truncatedTo(ChronoUnit.MICROS));
        return true;
    }

    private Outcome applyLocked(CallSnapshot snapshot, Source source, UUID upstreamEventId) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Call call = em.find(Call.class, snapshot.id());
        Result result = CallMerge.merge(call == null ? null : call.reconciled(), snapshot);

        if (call == null) {
            call = Call.firstSeen(snapshot.id(), source, now);
        }
        call.take(result.next());
        call.heardVia(source, now);
        if (result.outcome() == Outcome.CREATED) {
            em.persist(call);
        }

        boolean missed = source == Source.POLL && MergeEvents.reportsProgress(result) && olderThanGrace(snapshot, now);
        Decision decision = new Decision(snapshot, source, upstreamEventId, result, now);
        if (result.changes().isEmpty()) {
            log.recordDecision(decision);
        } else {
            log.writeEvents(call, decision, missed);
        }
        count(result, missed);
        Span.current()
                .setAttribute("gateway.call.id", snapshot.id().toString())
                .setAttribute("gateway.reconcile.source", source.wireName())
                .setAttribute("gateway.reconcile.outcome", result.outcome().wireName());
        return result.outcome();
    }

    private static void requireUsable(CallSnapshot snapshot) {
        String missing = snapshot.missingRequiredField();
        if (missing != null) {
            throw new IllegalArgumentException("call snapshot without " + missing);
        }
        String unstorable = snapshot.unstorableField();
        if (unstorable != null) {
            throw new IllegalArgumentException("call snapshot whose " + unstorable);
        }
    }

    private static int lockKey(UUID id) {
        return id.hashCode();
    }

    /** @param keys distinct and ascending, so two transactions taking several never wait on each other */
    private void lockCalls(int[] keys) {
        em.createNativeQuery("select count(pg_advisory_xact_lock(:space, key)) from unnest(cast(:keys as int[])) key")
                .setParameter("space", CALL_LOCK_SPACE)
                .setParameter("keys", keys)
                .getSingleResult();
    }

    private boolean olderThanGrace(CallSnapshot snapshot, Instant now) {
        Instant changedAt = snapshot.updatedAt() != null ? snapshot.updatedAt() : snapshot.createdAt();
        return changedAt.isBefore(now.minus(config.missedWebhookGrace()));
    }

    private void count(Result result, boolean missed) {
        metrics.counter("gateway.merge", "outcome", result.outcome().wireName()).increment();
        if (result.statusConflict()) {
            metrics.counter("gateway.merge.conflicts").increment();
        }
        if (missed) {
            metrics.counter("gateway.webhooks.missed").increment();
        }
    }
}
