package io.callingboxgateway.subscriptions;

import io.callingboxgateway.database.Timestamps;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The events a subscriber's line gave up on, as the API lists them. */
@ApplicationScoped
@Transactional(Transactional.TxType.SUPPORTS)
public class DeadLetters {

    private final EntityManager em;

    DeadLetters(EntityManager em) {
        this.em = em;
    }

    /** A page of the subscription's dead letters after an event id, oldest first; empty when it does not exist. */
    public Optional<DeadLetterPage> page(UUID subscriptionId, long after, int limit) {
        if (Subscription.findById(subscriptionId) == null) {
            return Optional.empty();
        }
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("""
                        select event_id, attempts, last_error, last_response_status, dead_at
                        from dead_letter where subscription_id = :id and event_id > :after
                        order by event_id limit :limit
                        """)
                .setParameter("id", subscriptionId)
                .setParameter("after", after)
                .setParameter("limit", limit + 1)
                .getResultList();
        boolean hasMore = rows.size() > limit;
        List<DeadLetterPage.DeadLetter> page = rows.stream()
                .limit(limit)
                .map(row -> new DeadLetterPage.DeadLetter(
                        ((Number) row[0]).longValue(),
                        ((Number) row[1]).intValue(),
                        (String) row[2],
                        row[3] == null ? null : ((Number) row[3]).intValue(),
                        Timestamps.instant(row[4])))
                .toList();
        String next = hasMore ? Long.toString(page.get(limit - 1).eventId()) : null;
        return Optional.of(new DeadLetterPage(page, next, hasMore));
    }
}
