package io.callingboxgateway.upstream.poll;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;
import jakarta.transaction.Transactional;
import java.time.Instant;

/**
 * How far polling got: the newest call of the last complete scan (the high-water mark discovery stops
 * below), when a scan last completed, and when a poll last succeeded. It lives in the lease row so that
 * every write lands in the same statement that checks its term still holds the lease: a poller taken
 * over mid-scan can never move the mark afterwards.
 */
@ApplicationScoped
public class PollProgress {

    /** The progress as last recorded; each part is null until it first happened. */
    public record Mark(Instant highWaterMark, Instant lastCompleteScanAt, Instant lastSuccessAt) {}

    private final EntityManager em;

    PollProgress(EntityManager em) {
        this.em = em;
    }

    @Transactional
    public Mark read() {
        Object[] row = (Object[])
                em.createNativeQuery("""
                        select high_water_mark, last_complete_scan_at, last_success_at
                          from poller_lease where name = :name
                        """).setParameter("name", PollerLease.NAME).getSingleResult();
        return new Mark(Db.instant(row[0]), Db.instant(row[1]), Db.instant(row[2]));
    }

    /**
     * A scan of the call list reached its stop point: the next one may stop below {@code newest}.
     *
     * @return false when {@code term} is over, and nothing was recorded
     */
    @Transactional
    public boolean recordCompleteScan(PollerLease.Term term, Instant newest) {
        return record(term, """
                        high_water_mark = greatest(high_water_mark, cast(:newest as timestamptz)),
                        last_complete_scan_at = now()""").setParameter("newest", newest).executeUpdate() == 1;
    }

    /** @return false when {@code term} is over, and nothing was recorded */
    @Transactional
    public boolean recordSuccess(PollerLease.Term term) {
        return record(term, "last_success_at = now()").executeUpdate() == 1;
    }

    /** An update of the lease row that lands only while {@code term} holds the lease. */
    private Query record(PollerLease.Term term, String assignments) {
        return PollerLease.fence(
                em.createNativeQuery("update poller_lease set " + assignments + " where " + PollerLease.HELD_BY), term);
    }
}
