package io.callingboxgateway.privacy.erasure;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.util.UUID;

/**
 * Every row about one call, in every table that names a call or its events, deleted in the caller's
 * transaction (under the reconciler's lock of the call). The call's id goes into {@code erased_call} so
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

    CallTraces(EntityManager em) {
        this.em = em;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    Counts erase(UUID callId) {
        int pending = count("""
                select count(*) from call_event e
                join subscription s on (e.id is null or e.id > s.position)
                    and ('*' = any(s.event_types) or e.type = any(s.event_types))
                where e.call_id = :id
                """, callId);
        int deadLetters = delete(
                "delete from dead_letter where event_id in (select id from call_event where call_id = :id and id is not null)",
                callId);
        int transcripts = delete("delete from call_transcript where call_id = :id", callId);
        delete("delete from call_transcript_fetch where call_id = :id", callId);
        int events = delete("delete from call_event where call_id = :id", callId);
        int decisions = delete("delete from call_decision where call_id = :id", callId);
        int receipts = delete("delete from webhook_receipt where call_id = :id", callId)
                + delete("delete from webhook_redelivery where call_id = :id", callId);
        delete("delete from call_refresh where call_id = :id", callId);
        int calls = delete("delete from call where id = :id", callId);
        em.createNativeQuery("""
                        insert into erased_call (call_id, erased_at) values (:id, now())
                        on conflict (call_id) do update set erased_at = excluded.erased_at
                        """).setParameter("id", callId).executeUpdate();
        return new Counts(calls, events, decisions, receipts, transcripts, pending + deadLetters);
    }

    private int count(String sql, UUID callId) {
        return ((Number) em.createNativeQuery(sql).setParameter("id", callId).getSingleResult()).intValue();
    }

    private int delete(String sql, UUID callId) {
        return em.createNativeQuery(sql).setParameter("id", callId).executeUpdate();
    }
}
