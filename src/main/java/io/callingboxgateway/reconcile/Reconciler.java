package io.callingboxgateway.reconcile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.callingboxgateway.calls.Call;
import io.callingboxgateway.calls.CallLifecycle;
import io.callingboxgateway.calls.CallSnapshot;
import io.callingboxgateway.calls.CallView;
import io.callingboxgateway.reconcile.CallMerge.Change;
import io.callingboxgateway.reconcile.CallMerge.Outcome;
import io.callingboxgateway.reconcile.CallMerge.Reconciled;
import io.callingboxgateway.reconcile.CallMerge.Result;
import io.callingboxgateway.tracing.TraceParents;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The single writer of call state. Webhooks and polls both hand it a snapshot and where it came from;
 * it merges under a per-call lock and, in the same transaction, records every accepted change in the
 * event log.
 */
@ApplicationScoped
public class Reconciler {

    /** Namespace of the per-call advisory locks ("CALL"), apart from any other lock the gateway takes. */
    private static final int CALL_LOCK_SPACE = 0x43414C4C;

    private final EntityManager em;
    private final ObjectMapper json;
    private final MeterRegistry metrics;
    private final ReconcileConfig config;
    private final Event<EventsAppended> appended;

    Reconciler(
            EntityManager em,
            ObjectMapper json,
            MeterRegistry metrics,
            ReconcileConfig config,
            Event<EventsAppended> appended) {
        this.em = em;
        this.json = json;
        this.metrics = metrics;
        this.config = config;
        this.appended = appended;
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

    private Outcome applyLocked(CallSnapshot snapshot, Source source, UUID upstreamEventId) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Call call = em.find(Call.class, snapshot.id());
        Reconciled current =
                call == null ? null : new Reconciled(call.snapshot(), call.resultUpdatedAt, call.webhookUpdatedAt);
        Result result = CallMerge.merge(current, snapshot);

        if (call == null) {
            call = new Call();
            call.firstSeenAt = now;
            call.firstSeenVia = source == Source.WEBHOOK ? "webhook" : "poll";
        }
        call.copyFrom(result.next().call());
        call.resultUpdatedAt = result.next().resultUpdatedAt();
        call.webhookUpdatedAt = result.next().webhookUpdatedAt();
        if (source == Source.WEBHOOK) {
            call.lastWebhookAt = now;
        } else {
            call.lastPolledAt = now;
        }
        if (result.outcome() == Outcome.CREATED) {
            em.persist(call);
        }

        boolean missed = source == Source.POLL && reportsProgress(result) && olderThanGrace(snapshot, now);
        Decision decision = new Decision(snapshot, source, upstreamEventId, result, now);
        if (result.changes().isEmpty()) {
            recordDecision(decision);
        } else {
            writeEvents(call, decision, missed);
        }
        count(result, missed);
        Span.current()
                .setAttribute("gateway.call.id", snapshot.id().toString())
                .setAttribute("gateway.reconcile.source", source.wireName())
                .setAttribute(
                        "gateway.reconcile.outcome", result.outcome().name().toLowerCase(Locale.ROOT));
        return result.outcome();
    }

    /** One judged snapshot, as the decision log records it. */
    private record Decision(CallSnapshot snapshot, Source source, UUID upstreamEventId, Result result, Instant now) {}

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

    /**
     * Writes the call, then its events and the decision in one statement: a single round trip takes
     * the commit-ordered ids from the event sequence row, inserts every event and logs the decision.
     */
    private void writeEvents(Call call, Decision decision, boolean missed) {
        Map<String, Map<String, Change>> byType = eventsOf(decision.result());
        call.lastEventSeq += byType.size();
        em.flush();
        ArrayNode events = json.createArrayNode();
        byType.forEach((type, changes) -> events.addObject().put("type", type).set("changes", changesJson(changes)));
        long firstId = ((Number) withDecision(decision, em.createNativeQuery("""
                                with seq as (
                                    update event_sequence set last_id = last_id + :n returning last_id - :n as before),
                                events as (
                                    insert into call_event (id, call_id, call_seq, type, source, upstream_event_id,
                                        missed_webhook, status_conflict, changes, call, occurred_at, traceparent)
                                    select seq.before + e.ord, :callId, :seqBefore + e.ord, e.event ->> 'type',
                                        :source, :eventId, :missed, :conflict, e.event -> 'changes',
                                        cast(:call as jsonb), :now, cast(:traceparent as text)
                                    from seq, jsonb_array_elements(cast(:events as jsonb)) with ordinality e (event, ord))
                                insert into call_decision (call_id, source, upstream_event_id, outcome, changed_fields,
                                    snapshot_status, snapshot_updated_at, first_event_id, decided_at)
                                select :callId, :source, :eventId, :outcome, cast(:fields as text[]), :status,
                                    :updatedAt, seq.before + 1, :now
                                from seq
                                returning first_event_id
                                """))
                        .setParameter("n", byType.size())
                        .setParameter("seqBefore", call.lastEventSeq - byType.size())
                        .setParameter("missed", missed)
                        .setParameter("conflict", decision.result().statusConflict())
                        .setParameter("events", write(events))
                        // Serialised once, written as jsonb by the database: no tree, no entity, for the hot path.
                        .setParameter("call", write(CallView.of(call)))
                        // The reconcile span, so the push that delivers these events continues its trace.
                        .setParameter("traceparent", TraceParents.current())
                        .getSingleResult())
                .longValue();
        // Observers run after commit (TransactionPhase.AFTER_SUCCESS), when the events are readable.
        appended.fire(new EventsAppended(firstId + byType.size() - 1));
    }

    /** A snapshot that changed nothing is logged all the same, with its outcome. */
    private void recordDecision(Decision decision) {
        withDecision(decision, em.createNativeQuery("""
                        insert into call_decision (call_id, source, upstream_event_id, outcome, changed_fields,
                            snapshot_status, snapshot_updated_at, first_event_id, decided_at)
                        values (:callId, :source, :eventId, :outcome, cast(:fields as text[]), :status, :updatedAt,
                            null, :now)
                        """)).executeUpdate();
    }

    /** Binds the decision log's values, named alike in both statements that write it. */
    private static Query withDecision(Decision decision, Query statement) {
        return statement
                .setParameter("callId", decision.snapshot().id())
                .setParameter("source", decision.source().wireName())
                .setParameter("eventId", decision.upstreamEventId())
                .setParameter("outcome", decision.result().outcome().name().toLowerCase())
                .setParameter(
                        "fields",
                        "{" + String.join(",", decision.result().changes().keySet()) + "}")
                .setParameter("status", decision.snapshot().status())
                .setParameter("updatedAt", decision.snapshot().updatedAt())
                .setParameter("now", decision.now());
    }

    /**
     * Splits one merge's changes into events, each change in exactly one: the result fields become
     * {@code call.result_ready} when the result arrived, the webhook fields
     * {@code call.webhook_status_changed} when that status moved, and all else one
     * {@code call.created}, {@code call.status_changed} or {@code call.updated}.
     */
    static Map<String, Map<String, Change>> eventsOf(Result result) {
        Map<String, Change> main = new LinkedHashMap<>();
        Map<String, Change> resultFields = new LinkedHashMap<>();
        Map<String, Change> webhookFields = new LinkedHashMap<>();
        for (CallField field : CallField.values()) {
            Change change = result.changes().get(field.wireName);
            if (change != null) {
                switch (field.group) {
                    case MAIN -> main.put(field.wireName, change);
                    case RESULT -> resultFields.put(field.wireName, change);
                    case WEBHOOK -> webhookFields.put(field.wireName, change);
                }
            }
        }
        boolean created = result.outcome() == Outcome.CREATED;
        boolean resultReady = resultFields.containsKey("result_status")
                && CallLifecycle.isFinalResult(result.next().call().resultStatus());
        boolean webhookMoved = !created && webhookFields.containsKey("webhook_status");
        if (!resultReady) {
            main.putAll(resultFields);
        }
        if (!webhookMoved) {
            main.putAll(webhookFields);
        }

        Map<String, Map<String, Change>> events = new LinkedHashMap<>();
        if (!main.isEmpty()) {
            String type = created
                    ? CallEvent.CREATED
                    : main.containsKey("status") ? CallEvent.STATUS_CHANGED : CallEvent.UPDATED;
            events.put(type, main);
        }
        if (resultReady) {
            events.put(CallEvent.RESULT_READY, resultFields);
        }
        if (webhookMoved) {
            events.put(CallEvent.WEBHOOK_STATUS_CHANGED, webhookFields);
        }
        return events;
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not write an event as JSON", e);
        }
    }

    private ObjectNode changesJson(Map<String, Change> changes) {
        ObjectNode node = json.createObjectNode();
        changes.forEach((field, change) -> {
            ObjectNode beforeAfter = node.putObject(field);
            beforeAfter.set("before", json.valueToTree(change.before()));
            beforeAfter.set("after", json.valueToTree(change.after()));
        });
        return node;
    }

    /** Changes a webhook would have announced: a new status or an arrived result. */
    private static boolean reportsProgress(Result result) {
        return result.outcome() == Outcome.CREATED
                || result.changes().containsKey("status")
                || result.changes().containsKey("result_status");
    }

    private boolean olderThanGrace(CallSnapshot snapshot, Instant now) {
        Instant changedAt = snapshot.updatedAt() != null ? snapshot.updatedAt() : snapshot.createdAt();
        return changedAt.isBefore(now.minus(config.missedWebhookGrace()));
    }

    private void count(Result result, boolean missed) {
        metrics.counter("gateway.merge", "outcome", result.outcome().name().toLowerCase(Locale.ROOT))
                .increment();
        if (result.statusConflict()) {
            metrics.counter("gateway.merge.conflicts").increment();
        }
        if (missed) {
            metrics.counter("gateway.webhooks.missed").increment();
        }
    }
}
