package io.callingboxgateway.reconcile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.callingboxgateway.model.CallSnapshot;
import io.callingboxgateway.reconcile.CallMerge.Change;
import io.callingboxgateway.reconcile.CallMerge.Result;
import io.callingboxgateway.tracing.TraceParents;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * Writes what the reconciler decided: a merge's events into {@code call_event} and every judged
 * snapshot into {@code call_decision}, in the reconciler's transaction and under its per-call lock.
 */
@ApplicationScoped
class EventLogWriter {

    /** One judged snapshot, as the decision log records it. */
    record Decision(CallSnapshot snapshot, Source source, UUID upstreamEventId, Result result, Instant now) {}

    private final EntityManager em;
    private final ObjectMapper json;
    private final Event<EventsAppended> appended;
    private final TransactionSynchronizationRegistry transaction;

    EventLogWriter(
            EntityManager em,
            ObjectMapper json,
            Event<EventsAppended> appended,
            TransactionSynchronizationRegistry transaction) {
        this.em = em;
        this.json = json;
        this.appended = appended;
        this.transaction = transaction;
    }

    /**
     * Writes the call, then its events and the decision in one statement. The events get their insert
     * keys here, in their order, and no public id: the sequencer numbers them once they are committed
     * (V64), so this transaction takes no lock that another call's writer could wait on.
     */
    void writeEvents(Call call, Decision decision, boolean missed) {
        Map<String, Map<String, Change>> byType = MergeEvents.of(decision.result());
        int seqBefore = call.reserveEventSeqs(byType.size());
        em.flush();
        ArrayNode events = json.createArrayNode();
        byType.forEach((type, changes) -> events.addObject().put("type", type).set("changes", changesJson(changes)));
        withDecision(decision, em.createNativeQuery("""
                        with events as (
                            insert into call_event (call_id, call_seq, type, source, upstream_event_id,
                                missed_webhook, status_conflict, changes, call, occurred_at, traceparent)
                            select :callId, :seqBefore + e.ord, e.event ->> 'type', :source, :eventId, :missed,
                                :conflict, e.event -> 'changes', cast(:call as jsonb), :now,
                                cast(:traceparent as text)
                            from jsonb_array_elements(cast(:events as jsonb)) with ordinality e (event, ord)
                            order by e.ord)
                        insert into call_decision (call_id, source, upstream_event_id, outcome, changed_fields,
                            snapshot_status, snapshot_updated_at, first_event_seq, decided_at)
                        values (:callId, :source, :eventId, :outcome, cast(:fields as text[]), :status,
                            :updatedAt, :seqBefore + 1, :now)
                        """))
                .setParameter("seqBefore", seqBefore)
                .setParameter("missed", missed)
                .setParameter("conflict", decision.result().statusConflict())
                .setParameter("events", write(events))
                // Serialised once, written as jsonb by the database: no tree, no entity, for the hot path.
                .setParameter("call", write(call.view()))
                // The reconcile span, so the push that delivers these events continues its trace.
                .setParameter("traceparent", TraceParents.current())
                .executeUpdate();
        announce();
    }

    /**
     * One event that no snapshot made, e.g. {@code call.transcript_ready}: no changes, the call as it
     * stands, numbered after commit like every other event.
     */
    void writeNews(Call call, String type, Source source, Instant now) {
        int seq = call.reserveEventSeqs(1) + 1;
        em.flush();
        em.createNativeQuery("""
                        insert into call_event (call_id, call_seq, type, source, changes, call, occurred_at,
                            traceparent)
                        values (:callId, :seq, :type, :source, cast('{}' as jsonb), cast(:call as jsonb), :now,
                            cast(:traceparent as text))
                        """)
                .setParameter("callId", call.id())
                .setParameter("seq", seq)
                .setParameter("type", type)
                .setParameter("source", source.wireName())
                .setParameter("call", write(call.view()))
                .setParameter("now", now)
                .setParameter("traceparent", TraceParents.current())
                .executeUpdate();
        announce();
    }

    /**
     * {@code call.erased} for a call this transaction just deleted with all its events: no call and no
     * changes (personal data is what was erased), source {@code erasure}. Its {@code call_seq} is 0, outside
     * the call's history, which starts again from 1 if a poll or webhook brings the call back.
     */
    void writeErased(UUID callId, Instant now) {
        em.createNativeQuery("""
                        insert into call_event (call_id, call_seq, type, source, changes, call, occurred_at,
                            traceparent)
                        values (:callId, 0, :type, 'erasure', cast('null' as jsonb), cast('null' as jsonb), :now,
                            cast(:traceparent as text))
                        """)
                .setParameter("callId", callId)
                .setParameter("type", CallEvent.ERASED)
                .setParameter("now", now)
                .setParameter("traceparent", TraceParents.current())
                .executeUpdate();
        announce();
    }

    private void announce() {
        // Observers run after commit (TransactionPhase.AFTER_SUCCESS), when the events can be numbered;
        // once per transaction: one numbering run covers all of a discovery batch's calls.
        if (transaction.getResource(EventsAppended.class) == null) {
            transaction.putResource(EventsAppended.class, Boolean.TRUE);
            appended.fire(new EventsAppended());
        }
    }

    /** A snapshot that changed nothing is logged all the same, with its outcome. */
    void recordDecision(Decision decision) {
        withDecision(decision, em.createNativeQuery("""
                        insert into call_decision (call_id, source, upstream_event_id, outcome, changed_fields,
                            snapshot_status, snapshot_updated_at, first_event_seq, decided_at)
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
                .setParameter("outcome", decision.result().outcome().wireName())
                .setParameter("fields", MergeEvents.changedFields(decision.result()))
                .setParameter("status", decision.snapshot().status())
                .setParameter("updatedAt", decision.snapshot().updatedAt())
                .setParameter("now", decision.now());
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
}
