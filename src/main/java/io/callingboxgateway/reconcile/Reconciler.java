package io.callingboxgateway.reconcile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.callingboxgateway.calls.Call;
import io.callingboxgateway.calls.CallLifecycle;
import io.callingboxgateway.calls.CallSnapshot;
import io.callingboxgateway.calls.CallView;
import io.callingboxgateway.reconcile.CallMerge.Change;
import io.callingboxgateway.reconcile.CallMerge.Outcome;
import io.callingboxgateway.reconcile.CallMerge.Reconciled;
import io.callingboxgateway.reconcile.CallMerge.Result;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
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
    public Outcome apply(CallSnapshot snapshot, Source source, UUID upstreamEventId) {
        String missing = snapshot.missingRequiredField();
        if (missing != null) {
            throw new IllegalArgumentException("call snapshot without " + missing);
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        lockCall(snapshot.id());
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
        Long firstEventId =
                result.changes().isEmpty() ? null : writeEvents(call, result, source, upstreamEventId, missed, now);
        recordDecision(snapshot, source, upstreamEventId, result, firstEventId, now);
        count(result, missed);
        return result.outcome();
    }

    private void lockCall(UUID id) {
        em.createNativeQuery("select pg_advisory_xact_lock(:space, :key)")
                .setParameter("space", CALL_LOCK_SPACE)
                .setParameter("key", id.hashCode())
                .getSingleResult();
    }

    /** @return the id of the first event written */
    private long writeEvents(
            Call call, Result result, Source source, UUID upstreamEventId, boolean missed, Instant now) {
        Map<String, Map<String, Change>> byType = eventsOf(result);
        call.lastEventSeq += byType.size();
        em.flush();
        // Serialised once, written as jsonb by the database: no tree, no entity, for the hot path.
        String view = write(CallView.of(call));
        long lastId = ((Number)
                        em.createNativeQuery("update event_sequence set last_id = last_id + :n returning last_id")
                                .setParameter("n", byType.size())
                                .getSingleResult())
                .longValue();
        long id = lastId - byType.size();
        int seq = call.lastEventSeq - byType.size();
        for (Map.Entry<String, Map<String, Change>> entry : byType.entrySet()) {
            em.createNativeQuery("""
                            insert into call_event (id, call_id, call_seq, type, source, upstream_event_id,
                                missed_webhook, status_conflict, changes, call, occurred_at)
                            values (:id, :callId, :seq, :type, :source, :eventId, :missed, :conflict,
                                cast(:changes as jsonb), cast(:call as jsonb), :now)
                            """)
                    .setParameter("id", ++id)
                    .setParameter("callId", call.id)
                    .setParameter("seq", ++seq)
                    .setParameter("type", entry.getKey())
                    .setParameter("source", source.wireName())
                    .setParameter("eventId", upstreamEventId)
                    .setParameter("missed", missed)
                    .setParameter("conflict", result.statusConflict())
                    .setParameter("changes", write(changesJson(entry.getValue())))
                    .setParameter("call", view)
                    .setParameter("now", now)
                    .executeUpdate();
        }
        // Observers run after commit (TransactionPhase.AFTER_SUCCESS), when the events are readable.
        appended.fire(new EventsAppended(lastId));
        return lastId - byType.size() + 1;
    }

    private void recordDecision(
            CallSnapshot snapshot, Source source, UUID upstreamEventId, Result result, Long firstEventId, Instant now) {
        em.createNativeQuery("""
                        insert into call_decision (call_id, source, upstream_event_id, outcome, changed_fields,
                            snapshot_status, snapshot_updated_at, first_event_id, decided_at)
                        values (:callId, :source, :eventId, :outcome, cast(:fields as text[]), :status, :updatedAt,
                            :firstEventId, :now)
                        """)
                .setParameter("callId", snapshot.id())
                .setParameter("source", source.wireName())
                .setParameter("eventId", upstreamEventId)
                .setParameter("outcome", result.outcome().name().toLowerCase())
                .setParameter("fields", "{" + String.join(",", result.changes().keySet()) + "}")
                .setParameter("status", snapshot.status())
                .setParameter("updatedAt", snapshot.updatedAt())
                .setParameter("firstEventId", firstEventId)
                .setParameter("now", now)
                .executeUpdate();
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
        metrics.counter("gateway.merge", "outcome", result.outcome().name().toLowerCase())
                .increment();
        if (result.statusConflict()) {
            metrics.counter("gateway.merge.conflicts").increment();
        }
        if (missed) {
            metrics.counter("gateway.webhooks.missed").increment();
        }
    }
}
