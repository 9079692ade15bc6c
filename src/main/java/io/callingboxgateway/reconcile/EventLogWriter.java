package io.callingboxgateway.reconcile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.callingboxgateway.model.CallSnapshot;
import io.callingboxgateway.reconcile.CallMerge.Change;
import io.callingboxgateway.reconcile.CallMerge.Result;
import io.callingboxgateway.tracing.TraceParents;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.persistence.EntityManager;
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
     * Holds a batch's merges until {@link Pending#write()}, which writes their calls, events and
     * decisions in one flush and one statement: a webhook batch or a poll page costs two round trips
     * for all its events, not two per merge (the JFR profile of bench/run P1 found the per-merge flush
     * and statement the largest share of intake's CPU). The events get their insert keys in the order
     * they were held, and no public id: the sequencer numbers them once committed (V64), so this
     * transaction takes no lock that another call's writer could wait on.
     */
    Pending pending() {
        return new Pending();
    }

    /** A batch's events and decisions, not yet written; see {@link #pending()}. */
    final class Pending {
        private final ArrayNode events = json.createArrayNode();
        private final ArrayNode decisions = json.createArrayNode();

        /** A merge's events (none when it changed nothing) and its decision, in this transaction. */
        void record(Call call, Decision decision, boolean missed) {
            Map<String, Map<String, Change>> byType = MergeEvents.of(decision.result());
            Integer firstSeq = null;
            if (!byType.isEmpty()) {
                int seq = call.reserveEventSeqs(byType.size());
                firstSeq = seq + 1;
                // Serialised once for all of the merge's events; written as jsonb by the database.
                RawValue callJson = new RawValue(asJson(call.view()));
                String traceparent = TraceParents.current(); // so the push continues the reconcile's trace
                for (Map.Entry<String, Map<String, Change>> typed : byType.entrySet()) {
                    ObjectNode event = events.addObject()
                            .put("call_id", call.id().toString())
                            .put("call_seq", ++seq)
                            .put("type", typed.getKey())
                            .put("source", decision.source().wireName())
                            .put("upstream_event_id", text(decision.upstreamEventId()))
                            .put("missed", missed)
                            .put("conflict", decision.result().statusConflict())
                            .put("occurred_at", decision.now().toString())
                            .put("traceparent", traceparent);
                    event.set("changes", changesJson(typed.getValue()));
                    event.putRawValue("call", callJson);
                }
            }
            decisions
                    .addObject()
                    .put("call_id", decision.snapshot().id().toString())
                    .put("source", decision.source().wireName())
                    .put("upstream_event_id", text(decision.upstreamEventId()))
                    .put("outcome", decision.result().outcome().wireName())
                    .put("changed_fields", MergeEvents.changedFields(decision.result()))
                    .put("status", decision.snapshot().status())
                    .put("updated_at", text(decision.snapshot().updatedAt()))
                    .put("first_event_seq", firstSeq)
                    .put("decided_at", decision.now().toString());
        }

        /** Writes what is held (the calls first) and holds nothing after; nothing when nothing is held. */
        void write() {
            if (decisions.isEmpty()) {
                return;
            }
            em.flush();
            em.createNativeQuery("""
                            with events as (
                                insert into call_event (call_id, call_seq, type, source, upstream_event_id,
                                    missed_webhook, status_conflict, changes, call, occurred_at, traceparent)
                                select cast(e ->> 'call_id' as uuid), cast(e ->> 'call_seq' as int), e ->> 'type',
                                    e ->> 'source', cast(e ->> 'upstream_event_id' as uuid),
                                    cast(e ->> 'missed' as boolean), cast(e ->> 'conflict' as boolean),
                                    e -> 'changes', e -> 'call', cast(e ->> 'occurred_at' as timestamptz),
                                    e ->> 'traceparent'
                                from jsonb_array_elements(cast(:events as jsonb)) with ordinality x (e, ord)
                                order by x.ord)
                            insert into call_decision (call_id, source, upstream_event_id, outcome,
                                changed_fields, snapshot_status, snapshot_updated_at, first_event_seq, decided_at)
                            select cast(d ->> 'call_id' as uuid), d ->> 'source',
                                cast(d ->> 'upstream_event_id' as uuid), d ->> 'outcome',
                                cast(d ->> 'changed_fields' as text[]), d ->> 'status',
                                cast(d ->> 'updated_at' as timestamptz), cast(d ->> 'first_event_seq' as int),
                                cast(d ->> 'decided_at' as timestamptz)
                            from jsonb_array_elements(cast(:decisions as jsonb)) with ordinality y (d, ord)
                            order by y.ord
                            """)
                    .setParameter("events", asJson(events))
                    .setParameter("decisions", asJson(decisions))
                    .executeUpdate();
            if (!events.isEmpty()) {
                announce();
            }
            events.removeAll();
            decisions.removeAll();
        }
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
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
                .setParameter("call", asJson(call.view()))
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

    private String asJson(Object value) {
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
