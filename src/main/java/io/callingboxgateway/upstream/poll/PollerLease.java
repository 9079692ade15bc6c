package io.callingboxgateway.upstream.poll;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The row in {@code poller_lease} that makes one replica at a time the poller, and remembers how far
 * discovery got. All times are the database's, so replicas with skewed clocks still agree.
 *
 * <p>Each taking of the lease starts a new {@link Term} (the epoch goes up), and every write the poller
 * makes here names its term: it lands only while that term is current and unexpired. A poller that
 * stalled past its lease and was taken over cannot move the high-water mark afterwards (fencing).
 */
@ApplicationScoped
public class PollerLease {

    static final String NAME = "callingbox";

    /** One holding of the lease: who, and which taking of it. */
    public record Term(String owner, long epoch) {}

    /**
     * The lease row as a replica saw it; {@code held} tells whether that replica holds it, and {@code
     * term} (null unless held) names the holding.
     */
    public record State(
            boolean held, Term term, Instant highWaterMark, Instant lastCompleteScanAt, Instant lastSuccessAt) {}

    private final EntityManager em;

    PollerLease(EntityManager em) {
        this.em = em;
    }

    /**
     * Takes the lease if it is free or expired, renews it if {@code owner} holds it. Taking it from
     * another owner, or again after it ran out, starts a new term.
     */
    @Transactional
    public State tryAcquire(String owner, Duration ttl) {
        @SuppressWarnings("unchecked")
        List<Object[]> taken = em.createNativeQuery("""
                        update poller_lease
                           set epoch = case when owner = :owner and expires_at >= now() then epoch else epoch + 1 end,
                               owner = :owner, expires_at = now() + :ttl * interval '1 millisecond'
                         where name = :name and (expires_at < now() or owner = :owner)
                     returning high_water_mark, last_complete_scan_at, last_success_at, epoch
                        """)
                .setParameter("owner", owner)
                .setParameter("ttl", ttl.toMillis())
                .setParameter("name", NAME)
                .getResultList();
        if (!taken.isEmpty()) {
            Object[] row = taken.get(0);
            return state(new Term(owner, ((Number) row[3]).longValue()), row);
        }
        return state(null, row());
    }

    /** Extends a term still current and unexpired; false when it ran out or another replica took over. */
    @Transactional
    public boolean renew(Term term, Duration ttl) {
        return em.createNativeQuery("""
                        update poller_lease set expires_at = now() + :ttl * interval '1 millisecond'
                         where name = :name and owner = :owner and epoch = :epoch and expires_at >= now()
                        """)
                        .setParameter("owner", term.owner())
                        .setParameter("epoch", term.epoch())
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
        return state(null, row());
    }

    /** The term {@code owner} holds now, if it holds the lease (for callers that took it just before). */
    @Transactional
    public Optional<Term> currentTerm(String owner) {
        @SuppressWarnings("unchecked")
        List<Number> epochs = em.createNativeQuery(
                        "select epoch from poller_lease where name = :name and owner = :owner and expires_at >= now()")
                .setParameter("owner", owner)
                .setParameter("name", NAME)
                .getResultList();
        return epochs.stream().findFirst().map(epoch -> new Term(owner, epoch.longValue()));
    }

    /**
     * A scan of the call list reached its stop point: the next one may stop below {@code newest}.
     *
     * @return false when {@code term} is over, and nothing was recorded
     */
    @Transactional
    public boolean recordCompleteScan(Term term, Instant newest) {
        return em.createNativeQuery("""
                        update poller_lease
                           set high_water_mark = greatest(high_water_mark, cast(:newest as timestamptz)),
                               last_complete_scan_at = now()
                         where name = :name and owner = :owner and epoch = :epoch and expires_at >= now()
                        """)
                        .setParameter("owner", term.owner())
                        .setParameter("epoch", term.epoch())
                        .setParameter("newest", newest)
                        .setParameter("name", NAME)
                        .executeUpdate()
                == 1;
    }

    /** @return false when {@code term} is over, and nothing was recorded */
    @Transactional
    public boolean recordSuccess(Term term) {
        return em.createNativeQuery("""
                        update poller_lease set last_success_at = now()
                         where name = :name and owner = :owner and epoch = :epoch and expires_at >= now()
                        """)
                        .setParameter("owner", term.owner())
                        .setParameter("epoch", term.epoch())
                        .setParameter("name", NAME)
                        .executeUpdate()
                == 1;
    }

    private Object[] row() {
        return (Object[]) em.createNativeQuery("""
                        select high_water_mark, last_complete_scan_at, last_success_at
                          from poller_lease where name = :name
                        """).setParameter("name", NAME).getSingleResult();
    }

    private static State state(Term term, Object[] row) {
        return new State(term != null, term, Db.instant(row[0]), Db.instant(row[1]), Db.instant(row[2]));
    }
}
