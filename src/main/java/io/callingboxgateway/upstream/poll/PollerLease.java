package io.callingboxgateway.upstream.poll;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The row in {@code poller_lease} that makes one replica at a time the poller. All times are the
 * database's, so replicas with skewed clocks still agree.
 *
 * <p>Each taking of the lease starts a new {@link Term} (the epoch goes up). A write fenced by a term
 * ({@link #HELD_BY}) lands only while that term is current and unexpired: a poller that stalled past its
 * lease and was taken over cannot record progress afterwards ({@link PollProgress} writes that way).
 */
@ApplicationScoped
public class PollerLease {

    static final String NAME = "callingbox";

    /** The condition under which a write to the lease row is made in the name of a term (see {@link #fence}). */
    static final String HELD_BY = "name = :name and owner = :owner and epoch = :epoch and expires_at >= now()";

    /** One holding of the lease: who, and which taking of it. */
    public record Term(String owner, long epoch) {}

    private final EntityManager em;

    PollerLease(EntityManager em) {
        this.em = em;
    }

    /**
     * Takes the lease if it is free or expired, renews it if {@code owner} holds it. Taking it from
     * another owner, or again after it ran out, starts a new term.
     *
     * @return the term {@code owner} now holds; empty when another replica holds the lease
     */
    @Transactional
    public Optional<Term> tryAcquire(String owner, Duration ttl) {
        @SuppressWarnings("unchecked")
        List<Number> epochs = em.createNativeQuery("""
                        update poller_lease
                           set epoch = case when owner = :owner and expires_at >= now() then epoch else epoch + 1 end,
                               owner = :owner, expires_at = now() + :ttl * interval '1 millisecond'
                         where name = :name and (expires_at < now() or owner = :owner)
                     returning epoch
                        """)
                .setParameter("owner", owner)
                .setParameter("ttl", ttl.toMillis())
                .setParameter("name", NAME)
                .getResultList();
        return epochs.stream().findFirst().map(epoch -> new Term(owner, epoch.longValue()));
    }

    /** Extends a term still current and unexpired; false when it ran out or another replica took over. */
    @Transactional
    public boolean renew(Term term, Duration ttl) {
        return fence(
                                em.createNativeQuery(
                                        "update poller_lease set expires_at = now() + :ttl * interval '1 millisecond' where "
                                                + HELD_BY),
                                term)
                        .setParameter("ttl", ttl.toMillis())
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

    /** Binds the parameters of {@link #HELD_BY} to {@code term}. */
    static Query fence(Query query, Term term) {
        return query.setParameter("name", NAME)
                .setParameter("owner", term.owner())
                .setParameter("epoch", term.epoch());
    }
}
