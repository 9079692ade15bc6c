package io.callingboxgateway.privacy.erasure;

import io.callingboxgateway.privacy.CallDeletion;
import io.callingboxgateway.privacy.CallDeletion.Deleted;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.UUID;

/**
 * Every row about one call, in every table that names a call or its events, deleted in the caller's
 * transaction by the same {@link CallDeletion} retention uses (under the reconciler's lock of the call). The call's id goes into {@code erased_call} so
 * that a later poll or webhook of it is stored redacted ({@link ErasedCallRule}).
 *
 * <p>Events are deleted wherever they sit in the log, numbered or not (V64): the feed, streams and pushes
 * read ranges of ids, so a hole is simply skipped, and an unnumbered event that is gone is never
 * numbered. A push is not a row of its own: a subscription's position in the log is. What is pending for
 * a subscription is every wanted event above its position, and those go with the events.
 */
@ApplicationScoped
class CallTraces {

    private final EntityManager em;
    private final CallDeletion deletion;

    CallTraces(EntityManager em, CallDeletion deletion) {
        this.em = em;
        this.deletion = deletion;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    Counts erase(UUID callId) {
        int pending = count("""
                select count(*) from call_event e
                join subscription s on (e.id is null or e.id > s.position)
                    and ('*' = any(s.event_types) or e.type = any(s.event_types))
                where e.call_id = :id
                """, callId);
        Deleted deleted = deletion.delete(List.of(callId));
        em.createNativeQuery("""
                        insert into erased_call (call_id, erased_at) values (:id, now())
                        on conflict (call_id) do update set erased_at = excluded.erased_at
                        """).setParameter("id", callId).executeUpdate();
        return new Counts(
                deleted.calls(),
                deleted.events(),
                deleted.decisions(),
                deleted.receipts(),
                deleted.transcripts(),
                pending + deleted.deadLetters());
    }

    private int count(String sql, UUID callId) {
        return ((Number) em.createNativeQuery(sql).setParameter("id", callId).getSingleResult()).intValue();
    }
}
