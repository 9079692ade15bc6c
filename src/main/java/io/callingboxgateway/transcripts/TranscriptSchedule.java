package io.callingboxgateway.transcripts;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The pending fetches ({@code call_transcript_fetch}, filled by the database when a call ends with a
 * conversation, V65). A fetch is claimed by pushing its next try ahead, so several replicas share the
 * work without one waiting on another and a claim whose replica died runs out by itself; every later
 * write names the try it belongs to, so a try that lost its claim changes nothing.
 */
@ApplicationScoped
class TranscriptSchedule {

    /** One claimed try: the call and which try of it this is, from 1. */
    record Claim(UUID callId, int attempt) {}

    private final EntityManager em;

    TranscriptSchedule(EntityManager em) {
        this.em = em;
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    List<Claim> claimDue(Instant now, Duration claimTimeout, int batch) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("""
                        update call_transcript_fetch f
                        set attempts = f.attempts + 1, next_attempt_at = :until
                        where f.call_id in (
                            select call_id from call_transcript_fetch
                            where next_attempt_at <= :now
                            order by next_attempt_at
                            limit :batch
                            for update skip locked)
                        returning f.call_id, f.attempts
                        """)
                .setParameter("now", now)
                .setParameter("until", now.plus(claimTimeout))
                .setParameter("batch", batch)
                .getResultList();
        return rows.stream()
                .map(row -> new Claim((UUID) row[0], ((Number) row[1]).intValue()))
                .toList();
    }

    /** Ends the fetch, in the caller's transaction; false when the claim was lost (or the call is gone). */
    @Transactional(Transactional.TxType.MANDATORY)
    boolean finish(Claim claim, Instant now, boolean gaveUp) {
        return em.createNativeQuery("""
                                update call_transcript_fetch
                                set next_attempt_at = null, gave_up_at = case when :gaveUp then cast(:now as timestamptz) end
                                where call_id = :id and attempts = :attempt and next_attempt_at is not null
                                """)
                        .setParameter("gaveUp", gaveUp)
                        .setParameter("now", now)
                        .setParameter("id", claim.callId())
                        .setParameter("attempt", claim.attempt())
                        .executeUpdate()
                == 1;
    }

    /** Schedules the next try at {@code next}; {@code counted} false gives back the try (upstream down). */
    @Transactional
    void retryAt(Claim claim, Instant next, boolean counted) {
        em.createNativeQuery("""
                        update call_transcript_fetch
                        set next_attempt_at = :next, attempts = attempts - :giveBack
                        where call_id = :id and attempts = :attempt and next_attempt_at is not null
                        """)
                .setParameter("next", next)
                .setParameter("giveBack", counted ? 0 : 1)
                .setParameter("id", claim.callId())
                .setParameter("attempt", claim.attempt())
                .executeUpdate();
    }
}
