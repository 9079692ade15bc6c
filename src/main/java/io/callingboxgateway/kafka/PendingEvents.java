package io.callingboxgateway.kafka;

import io.callingboxgateway.events.EventFeed;
import io.callingboxgateway.events.EventView;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.OptionalLong;

/** The events a topic has not had yet, read with the feed's own order and bounds. */
@ApplicationScoped
public class PendingEvents {

    /**
     * The next events after {@code start}, oldest first; {@code skipped} counts events retention deleted
     * before they were published (the publisher was off, or behind, for longer than the retention).
     */
    public record Batch(long start, long head, long skipped, List<EventView> events) {}

    /** How far a topic is behind the feed: in events, and the age of the oldest one not yet acknowledged. */
    public record Lag(long events, double seconds) {}

    private final EventFeed feed;
    private final EntityManager em;

    PendingEvents(EventFeed feed, EntityManager em) {
        this.feed = feed;
        this.em = em;
    }

    /** Up to {@code limit} events after {@code publishedThrough}, or after the oldest retained when empty. */
    @Transactional
    public Batch after(OptionalLong publishedThrough, int limit) {
        long floor = feed.deletedThrough();
        long start = Math.max(publishedThrough.orElse(floor), floor);
        long skipped = publishedThrough.isPresent() ? start - publishedThrough.getAsLong() : 0;
        long head = feed.head();
        // ids are gapless below the head (the sequencer numbers after commit), so the range holds at most limit
        List<EventView> events = start >= head ? List.of() : feed.between(start, Math.min(head, start + limit));
        return new Batch(start, head, skipped, events);
    }

    @Transactional
    public Lag lag(OptionalLong publishedThrough) {
        long start = Math.max(publishedThrough.orElse(0), feed.deletedThrough());
        long behind = Math.max(0, feed.head() - start);
        if (behind == 0) {
            return new Lag(0, 0);
        }
        @SuppressWarnings("unchecked")
        List<Number> age = em.createNativeQuery(
                        "select extract(epoch from now() - occurred_at) from call_event where id = :next")
                .setParameter("next", start + 1)
                .getResultList();
        return new Lag(behind, age.isEmpty() ? 0 : Math.max(0, age.get(0).doubleValue()));
    }
}
