package io.callingboxgateway.kafka;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The row in {@code kafka_publisher} (V72) that makes one replica at a time the publisher of a topic,
 * and remembers how far the broker acknowledged. Like the poller's lease: database time only, and each
 * taking of the lease starts a new {@link Term}; the position moves only under the current term, so a
 * publisher that stalled past its lease and was replaced can never move it afterwards.
 */
@ApplicationScoped
public class PublisherLease {

    /** The condition under which a write is made in the name of a term. */
    private static final String HELD_BY =
            "topic = :topic and owner = :owner and epoch = :epoch and expires_at >= now()";

    /** One holding of the lease on one topic. */
    public record Term(String topic, String owner, long epoch) {}

    private final EntityManager em;

    PublisherLease(EntityManager em) {
        this.em = em;
    }

    /**
     * Takes the lease if it is free or expired, renews it if {@code owner} holds it; creates the topic's
     * row on first use.
     *
     * @return the term {@code owner} now holds; empty when another replica holds the lease
     */
    @Transactional
    public Optional<Term> tryAcquire(String topic, String owner, Duration ttl) {
        em.createNativeQuery("insert into kafka_publisher (topic) values (:topic) on conflict do nothing")
                .setParameter("topic", topic)
                .executeUpdate();
        @SuppressWarnings("unchecked")
        List<Number> epochs = em.createNativeQuery("""
                        update kafka_publisher
                           set epoch = case when owner = :owner and expires_at >= now() then epoch else epoch + 1 end,
                               owner = :owner, expires_at = now() + :ttl * interval '1 millisecond'
                         where topic = :topic and (expires_at < now() or owner = :owner)
                     returning epoch
                        """)
                .setParameter("owner", owner)
                .setParameter("ttl", ttl.toMillis())
                .setParameter("topic", topic)
                .getResultList();
        return epochs.stream().findFirst().map(epoch -> new Term(topic, owner, epoch.longValue()));
    }

    /** Extends a term still current and unexpired; false when it ran out or another replica took over. */
    @Transactional
    public boolean renew(Term term, Duration ttl) {
        return fenced("expires_at = now() + :ttl * interval '1 millisecond'", term)
                        .setParameter("ttl", ttl.toMillis())
                        .executeUpdate()
                == 1;
    }

    /**
     * Records that the broker acknowledged every event up to {@code eventId}.
     *
     * @return false when {@code term} is over, and nothing was recorded
     */
    @Transactional
    public boolean recordPublished(Term term, long eventId) {
        return fenced("published_through = :id, published_at = now()", term)
                        .setParameter("id", eventId)
                        .executeUpdate()
                == 1;
    }

    /** The id of the last event acknowledged on {@code topic}; empty before the first. */
    @Transactional
    public OptionalLong publishedThrough(String topic) {
        @SuppressWarnings("unchecked")
        List<Number> rows = em.createNativeQuery(
                        "select published_through from kafka_publisher where topic = :topic and published_through is not null")
                .setParameter("topic", topic)
                .getResultList();
        return rows.isEmpty()
                ? OptionalLong.empty()
                : OptionalLong.of(rows.get(0).longValue());
    }

    /** Lets another replica take over at once, e.g. when this one shuts down. */
    @Transactional
    public void release(String topic, String owner) {
        em.createNativeQuery(
                        "update kafka_publisher set expires_at = '-infinity' where topic = :topic and owner = :owner")
                .setParameter("topic", topic)
                .setParameter("owner", owner)
                .executeUpdate();
    }

    private Query fenced(String assignments, Term term) {
        return em.createNativeQuery("update kafka_publisher set " + assignments + " where " + HELD_BY)
                .setParameter("topic", term.topic())
                .setParameter("owner", term.owner())
                .setParameter("epoch", term.epoch());
    }
}
