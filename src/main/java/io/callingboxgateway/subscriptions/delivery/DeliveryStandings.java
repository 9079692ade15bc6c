package io.callingboxgateway.subscriptions.delivery;

import io.callingboxgateway.events.EventFeed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.UUID;

/** Where every subscription stands against the newest event, for the lag and state metrics. */
@ApplicationScoped
@Transactional(Transactional.TxType.REQUIRES_NEW)
class DeliveryStandings {

    record Standings(long head, List<Standing> subscriptions) {}

    record Standing(UUID id, long position, boolean enabled, int consecutiveFailures) {}

    private final EntityManager em;
    private final EventFeed feed;

    DeliveryStandings(EntityManager em, EventFeed feed) {
        this.em = em;
        this.feed = feed;
    }

    public Standings read() {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery(
                        "select id, position, enabled, consecutive_failures from subscription")
                .getResultList();
        return new Standings(
                feed.head(),
                rows.stream()
                        .map(row -> new Standing(
                                (UUID) row[0],
                                ((Number) row[1]).longValue(),
                                (Boolean) row[2],
                                ((Number) row[3]).intValue()))
                        .toList());
    }
}
