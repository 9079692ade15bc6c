package io.callingboxgateway.reconcile;

import io.callingboxgateway.model.CallSnapshot;
import io.callingboxgateway.model.Redaction;
import io.callingboxgateway.reconcile.CallMerge.Outcome;
import io.callingboxgateway.reconcile.CallMerge.Result;
import io.callingboxgateway.reconcile.EventLogWriter.Decision;
import io.callingboxgateway.reconcile.IntakeRule.Verdict;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.quarkus.arc.All;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;

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
    private final List<IntakeRule> intakeRules;
    private final StoredRedaction redaction;
    private final Tracer tracer;

    Reconciler(
            EntityManager em,
            EventLogWriter log,
            MeterRegistry metrics,
            ReconcileConfig config,
            @All List<IntakeRule> intakeRules,
            StoredRedaction redaction,
            Tracer tracer) {
        this.em = em;
        this.log = log;
        this.metrics = metrics;
        this.config = config;
        this.intakeRules = intakeRules;
        this.redaction = redaction;
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
        // Loaded into the persistence context, so applyLocked's find reads no row of a known call. An "in"
        // list costs a translation per batch size (JFR), but array_contains, tried instead, cannot use the
        // primary key: intake latency doubled and fell as the table grew (bench/run, 2026-12-07).
        em.createQuery("from Call where id in :ids", Call.class)
                .setParameter("ids", ids)
                .getResultList();
        List<Outcome> outcomes = new ArrayList<>(heard.size());
        EventLogWriter.Pending pending = log.pending();
        for (Heard webhook : heard) {
            Span span =
                    tracer.spanBuilder("reconcile").setParent(webhook.trace()).startSpan();
            try (Scope scope = span.makeCurrent()) {
                outcomes.add(applyLocked(webhook.snapshot(), Source.WEBHOOK, webhook.upstreamEventId(), pending));
            } catch (RuntimeException e) {
                span.recordException(e).setStatus(StatusCode.ERROR);
                throw e;
            } finally {
                span.end();
            }
        }
        pending.write();
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
        EventLogWriter.Pending pending = log.pending();
        Outcome outcome = applyLocked(snapshot, source, upstreamEventId, pending);
        pending.write();
        return outcome;
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
        EventLogWriter.Pending pending = log.pending();
        for (CallSnapshot snapshot : snapshots) {
            applyLocked(snapshot, source, null, pending);
        }
        pending.write();
    }

    /**
     * Appends {@code call.transcript_ready} for a call whose transcript the caller is storing in this
     * transaction, under the call's lock like every other event of it. False when the call is gone or
     * kept redacted: the caller must then store no transcript.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean transcriptReady(UUID callId) {
        lockCalls(new int[] {lockKey(callId)});
        Call call = em.find(Call.class, callId);
        if (call == null || call.redactedAt() != null) {
            return false;
        }
        log.writeNews(
                call, CallEvent.TRANSCRIPT_READY, Source.POLL, Instant.now().truncatedTo(ChronoUnit.MICROS));
        return true;
    }

    /**
     * Takes the locks of those calls no writer holds right now, without waiting for the others: for work
     * that can come back later (the personal-data sweeps), in the caller's transaction, released at its
     * end. The same locks {@link #apply} takes, so a locked call is written by no one else meanwhile.
     *
     * @return the ids locked
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public List<UUID> lockIfFree(List<UUID> ids) {
        List<UUID> locked = new ArrayList<>();
        for (UUID id : ids) {
            boolean free = (Boolean) em.createNativeQuery("select pg_try_advisory_xact_lock(:space, :key)")
                    .setParameter("space", CALL_LOCK_SPACE)
                    .setParameter("key", lockKey(id))
                    .getSingleResult();
            if (free) {
                locked.add(id);
            }
        }
        return locked;
    }

    /**
     * Redacts a call the store holds whole, for good, with its stored events and transcript
     * (StoredRedaction). The caller holds the call's lock ({@link #lockIfFree}).
     *
     * @return how many stored events were rewritten
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public int redactStored(Call call, Instant now) {
        return redaction.redact(call, now);
    }

    /**
     * Erases a call under its lock, so no webhook or poll of it interleaves: runs {@code eraseTraces} (which
     * deletes the call and everything about it in the caller's transaction) and, when it erased anything,
     * appends {@code call.erased}, which carries the call id and nothing else.
     *
     * @param eraseTraces true when it found anything of the call to erase
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean erase(UUID callId, BooleanSupplier eraseTraces) {
        lockCalls(new int[] {lockKey(callId)});
        if (!eraseTraces.getAsBoolean()) {
            return false;
        }
        log.writeErased(callId, Instant.now().truncatedTo(ChronoUnit.MICROS));
        return true;
    }

    /** @param pending where the merge's events and decision wait for the caller's batch to end */
    private Outcome applyLocked(
            CallSnapshot received, Source source, UUID upstreamEventId, EventLogWriter.Pending pending) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Call call = em.find(Call.class, received.id());
        Verdict verdict = intake(received, call, now);
        if (verdict == Verdict.REFUSED) {
            metrics.counter("gateway.merge", "outcome", Outcome.REFUSED.wireName())
                    .increment();
            return Outcome.REFUSED;
        }
        if (verdict == Verdict.REDACTED && call != null && call.redactedAt() == null) {
            // Stored whole, judged redacted now (it aged past the limit before the sweep reached it):
            // redacted in place first, so this merge's events never carry the whole values as "before";
            // the batch's held events go first, so that the redaction rewrites them too.
            pending.write();
            redaction.redact(call, now);
        }
        CallSnapshot snapshot = verdict == Verdict.REDACTED ? Redaction.snapshot(received) : received;
        Result result = CallMerge.merge(call == null ? null : call.reconciled(), snapshot);

        if (call == null) {
            call = Call.firstSeen(snapshot.id(), source, now);
        }
        call.take(result.next());
        call.heardVia(source, now);
        if (verdict == Verdict.REDACTED) {
            call.redactedFrom(now);
        }
        if (result.outcome() == Outcome.CREATED) {
            em.persist(call);
        }

        boolean missed = source == Source.POLL && MergeEvents.reportsProgress(result) && olderThanGrace(snapshot, now);
        Decision decision = new Decision(snapshot, source, upstreamEventId, result, now);
        pending.record(call, decision, missed);
        count(result, missed);
        Span.current()
                .setAttribute("gateway.call.id", snapshot.id().toString())
                .setAttribute("gateway.reconcile.source", source.wireName())
                .setAttribute("gateway.reconcile.outcome", result.outcome().wireName());
        return result.outcome();
    }

    /**
     * What the store may keep of this snapshot: the strictest verdict of the intake rules, and never more
     * than redacted for a call the store holds redacted already.
     */
    private Verdict intake(CallSnapshot received, Call stored, Instant now) {
        Verdict verdict = stored != null && stored.redactedAt() != null ? Verdict.REDACTED : Verdict.WHOLE;
        for (IntakeRule rule : intakeRules) {
            verdict = verdict.stricter(rule.judge(received, stored != null, now));
        }
        return verdict;
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
