package io.callingboxgateway.reconcile;

import io.callingboxgateway.events.EventSequencer;
import io.callingboxgateway.reconcile.CallMerge.Reconciled;
import io.quarkus.arc.Arc;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.persistence.EntityManager;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/** Test reads of what the reconciler wrote, each in a transaction of its own, so they see only commits. */
final class EventLog {

    /** One row of call_decision. */
    record Decision(
            long id,
            String source,
            UUID upstreamEventId,
            String outcome,
            List<String> changedFields,
            String snapshotStatus,
            Long firstEventId) {}

    private EventLog() {}

    static List<CallEvent> events(UUID callId) {
        numbered();
        return QuarkusTransaction.requiringNew()
                .call(() -> CallEvent.<CallEvent>list("callId = ?1 order by id", callId));
    }

    static List<Decision> decisions(EntityManager em, UUID callId) {
        numbered();
        return QuarkusTransaction.requiringNew()
                .call(() -> em.createNativeQuery("""
                                select d.id, d.source, d.upstream_event_id, d.outcome,
                                    array_to_string(changed_fields, ','), snapshot_status,
                                    (select e.id from call_event e
                                     where e.call_id = d.call_id and e.call_seq = d.first_event_seq)
                                from call_decision d where d.call_id = :id order by d.id
                                """).setParameter("id", callId).getResultList().stream()
                        .map(row -> {
                            Object[] r = (Object[]) row;
                            String fields = (String) r[4];
                            return new Decision(
                                    ((Number) r[0]).longValue(),
                                    (String) r[1],
                                    (UUID) r[2],
                                    (String) r[3],
                                    fields.isEmpty() ? List.of() : Arrays.asList(fields.split(",")),
                                    (String) r[5],
                                    r[6] == null ? null : ((Number) r[6]).longValue());
                        })
                        .toList());
    }

    /** Events get their feed ids after commit: what was committed so far is numbered before a read. */
    static void numbered() {
        try {
            Arc.container().instance(EventSequencer.class).get().numberNow();
        } catch (Exception e) {
            throw new IllegalStateException("committed events were not numbered", e);
        }
    }

    /** The stored call as the merge sees it. */
    static Reconciled stored(UUID callId) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Call call = Call.findById(callId);
            return call == null ? null : call.reconciled();
        });
    }

    /** The last event id handed out so far. */
    static long lastEventId(EntityManager em) {
        return QuarkusTransaction.requiringNew()
                .call(() -> ((Number) em.createNativeQuery("select last_id from event_sequence")
                                .getSingleResult())
                        .longValue());
    }
}
