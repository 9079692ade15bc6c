package io.callingboxgateway.reconcile;

import io.callingboxgateway.reconcile.CallMerge.Reconciled;
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
        return QuarkusTransaction.requiringNew()
                .call(() -> CallEvent.<CallEvent>list("callId = ?1 order by id", callId));
    }

    static List<Decision> decisions(EntityManager em, UUID callId) {
        return QuarkusTransaction.requiringNew()
                .call(() -> em.createNativeQuery("""
                                select id, source, upstream_event_id, outcome,
                                    array_to_string(changed_fields, ','), snapshot_status, first_event_id
                                from call_decision where call_id = :id order by id
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
