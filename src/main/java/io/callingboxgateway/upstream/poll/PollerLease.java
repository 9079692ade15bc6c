package io.callingboxgateway.upstream.poll;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The row in {@code poller_lease} that makes one replica at a time the poller, and remembers how far
 * discovery got. All times are the database's, so replicas with skewed clocks still agree.
 */
@ApplicationScoped
public class PollerLease {

    static final String NAME = "callingbox";

    /** The lease row as a replica saw it; {@code held} tells whether that replica holds it. */
    public record State(boolean held, Instant highWaterMark, Instant lastCompleteScanAt, Instant lastSuccessAt) {}

    private final EntityManager em;

    PollerLease(EntityManager em) {
        this.em = em;
    }

    /** Takes the lease if it is free or expired, renews it if {@code owner} already holds it. */
    @Transactional
    public State tryAcquire(String owner, Duration ttl) {
        @SuppressWarnings("unchecked")
        List<Object[]> taken = em.createNativeQuery("""
                        update poller_lease
                           set owner = :owner, expires_at = now() + :ttl * interval '1 millisecond'
                         where name = :name and (expires_at < now() or owner = :owner)
                     returning high_water_mark, last_complete_scan_at, last_success_at
                        """)
                .setParameter("owner", owner)
                .setParameter("ttl", ttl.toMillis())
                .setParameter("name", NAME)
                .getResultList();
        if (!taken.isEmpty()) {
            return state(true, taken.get(0));
        }
        return state(false, row());
    }

    /** Extends a lease still held; false when another replica has taken it meanwhile. */
    @Transactional
    public boolean renew(String owner, Duration ttl) {
        return em.createNativeQuery("""
                        update poller_lease set expires_at = now() + :ttl * interval '1 millisecond'
                         where name = :name and owner = :owner
                        """)
                        .setParameter("owner", owner)
                        .setParameter("ttl", ttl.toMillis())
                        .setParameter("name", NAME)
                        .executeUpdate()
                == 1;
    }

    /** Lets another replica take over at once, e.g. when this one shuts down. */
    @Transactional
    public void release(String owner) {
        em.createNativeQuery("update poller_lease set expires_at = '-infinity' where name = :name and owner = :owner")
                .setParameter("owner", owner)
                .setParameter("name", NAME)
                .executeUpdate();
    }

    @Transactional
    public State read() {
        return state(false, row());
    }

    /** A scan of the call list reached its stop point: the next one may stop below {@code newest}. */
    @Transactional
    public void recordCompleteScan(String owner, Instant newest) {
        em.createNativeQuery("""
                        update poller_lease
                           set high_water_mark = greatest(high_water_mark, cast(:newest as timestamptz)),
                               last_complete_scan_at = now()
                         where name = :name and owner = :owner
                        """)
                .setParameter("owner", owner)
                .setParameter("newest", newest)
                .setParameter("name", NAME)
                .executeUpdate();
    }

    @Transactional
    public void recordSuccess(String owner) {
        em.createNativeQuery("update poller_lease set last_success_at = now() where name = :name and owner = :owner")
                .setParameter("owner", owner)
                .setParameter("name", NAME)
                .executeUpdate();
    }

    private Object[] row() {
        return (Object[]) em.createNativeQuery("""
                        select high_water_mark, last_complete_scan_at, last_success_at
                          from poller_lease where name = :name
                        """).setParameter("name", NAME).getSingleResult();
    }

    private static State state(boolean held, Object[] row) {
        return new State(held, Db.instant(row[0]), Db.instant(row[1]), Db.instant(row[2]));
    }
}
