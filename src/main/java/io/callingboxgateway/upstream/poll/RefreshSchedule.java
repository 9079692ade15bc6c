package io.callingboxgateway.upstream.poll;

import io.callingboxgateway.model.CallStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The {@code call_refresh} table: which unsettled calls to re-read, and when. Its backoff grows with
 * the re-reads that changed nothing, never with the call's age, so a call that went quiet is not
 * hammered and one stuck after missed webhooks is still re-read within a few poll intervals.
 */
@ApplicationScoped
public class RefreshSchedule {

    /** SQL twin of {@code !CallLifecycle.isSettled}, the predicate of the call_unsettled_idx index (SettledPredicatesTest). */
    static final String UNSETTLED = "(c.status NOT IN (" + CallStatus.TERMINAL_SQL_LIST + ")" + """

               OR (c.status = 'completed'
                   AND c.result_status IS DISTINCT FROM 'completed' AND c.result_status IS DISTINCT FROM 'failed'
                   AND c.answered_at IS NOT NULL AND c.answered_by IS DISTINCT FROM 'machine')
               OR (c.status = 'completed' AND c.webhook_url IS NOT NULL AND c.webhook_status = 'pending'))""";

    /** What a read did to the schedule. */
    public enum Next {
        /** The call is settled: it left the schedule. */
        SETTLED,
        /** The call is due again later. */
        SCHEDULED
    }

    private final EntityManager em;

    RefreshSchedule(EntityManager em) {
        this.em = em;
    }

    /**
     * Puts every unsettled call the schedule lacks on it (due now), and takes off the calls that have
     * settled since, e.g. by a webhook.
     *
     * @return how many calls were added
     */
    @Transactional
    public int sync(Instant now) {
        int added = em.createNativeQuery("insert into call_refresh (call_id, next_refresh_at) select c.id, :now"
                        + " from call c where " + UNSETTLED + " on conflict (call_id) do nothing")
                .setParameter("now", now)
                .executeUpdate();
        em.createNativeQuery("delete from call_refresh r using call c where c.id = r.call_id and not " + UNSETTLED)
                .executeUpdate();
        return added;
    }

    /** The calls due at {@code now}, longest overdue first. */
    @Transactional
    @SuppressWarnings("unchecked")
    public List<UUID> due(Instant now, int limit) {
        return em.createNativeQuery("""
                        select call_id from call_refresh
                         where next_refresh_at <= :now and missing_at is null
                         order by next_refresh_at
                         limit :limit
                        """)
                .setParameter("now", now)
                .setParameter("limit", limit)
                .getResultList();
    }

    /**
     * Records a successful read of a call that the store now holds.
     *
     * @param changed whether the read changed the stored call
     */
    @Transactional
    public Next recordRead(UUID callId, boolean changed, Instant now, Duration interval, int capFactor) {
        boolean unsettled = !em.createNativeQuery("select 1 from call c where c.id = :id and " + UNSETTLED)
                .setParameter("id", callId)
                .getResultList()
                .isEmpty();
        if (!unsettled) {
            em.createNativeQuery("delete from call_refresh where call_id = :id")
                    .setParameter("id", callId)
                    .executeUpdate();
            return Next.SETTLED;
        }
        List<?> current = em.createNativeQuery(
                        "select unchanged_reads from call_refresh where call_id = :id for update")
                .setParameter("id", callId)
                .getResultList();
        int unchangedReads = changed || current.isEmpty() ? 0 : ((Number) current.get(0)).intValue() + 1;
        em.createNativeQuery("""
                        insert into call_refresh (call_id, next_refresh_at, unchanged_reads, last_read_at, missing_at)
                        values (:id, :next, :reads, :now, null)
                        on conflict (call_id) do update
                           set next_refresh_at = excluded.next_refresh_at, unchanged_reads = excluded.unchanged_reads,
                               last_read_at = excluded.last_read_at, missing_at = null
                        """)
                .setParameter("id", callId)
                .setParameter("next", now.plus(delay(interval, unchangedReads, capFactor)))
                .setParameter("reads", unchangedReads)
                .setParameter("now", now)
                .executeUpdate();
        return Next.SCHEDULED;
    }

    /**
     * CallingBox answered 404 for the call: stop re-reading it (a forced refresh clears the mark). Only
     * a call the gateway stores is marked: an id nobody knows, asked about through {@code POST
     * /calls/{id}/refresh}, leaves no row behind, so such requests cannot grow the table.
     */
    @Transactional
    public void markMissing(UUID callId, Instant now) {
        em.createNativeQuery("""
                        insert into call_refresh (call_id, next_refresh_at, last_read_at, missing_at)
                        select :id, :now, :now, :now where exists (select 1 from call where id = :id)
                        on conflict (call_id) do update set missing_at = :now, last_read_at = :now
                        """)
                .setParameter("id", callId)
                .setParameter("now", now)
                .executeUpdate();
    }

    /**
     * The wait after {@code unchangedReads} reads in a row that changed nothing: one interval, doubled
     * per such read, at most {@code capFactor} intervals.
     */
    static Duration delay(Duration interval, int unchangedReads, int capFactor) {
        Duration cap = interval.multipliedBy(Math.max(1, capFactor));
        Duration grown = interval.multipliedBy(1L << Math.min(unchangedReads, 30));
        return grown.compareTo(cap) > 0 ? cap : grown;
    }
}
