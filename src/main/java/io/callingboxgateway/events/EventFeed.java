package io.callingboxgateway.events;

import io.callingboxgateway.reconcile.CallEvent;
import io.quarkus.panache.common.Parameters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads of the event log in global order.
 *
 * <p>Event ids are given after commit, without gaps, by the sequencer (V64), so everything at or
 * below the committed counter is final: a page never ends before an event that could still be
 * numbered below it. The counter is read first and bounds the query, which keeps {@code next_cursor} honest
 * even when a filter matched nothing.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.SUPPORTS)
public class EventFeed {

    private final EntityManager em;

    EventFeed(EntityManager em) {
        this.em = em;
    }

    /** The id of the newest committed event (0 before the first). */
    public long head() {
        return ((Number) em.createNativeQuery("select last_id from event_sequence")
                        .getSingleResult())
                .longValue();
    }

    /** Every event at or below this id has been deleted by retention. */
    public long deletedThrough() {
        return ((Number) em.createNativeQuery("select deleted_through from event_retention")
                        .getSingleResult())
                .longValue();
    }

    /**
     * Checks a cursor against the retained range.
     *
     * @return the id after which to read; the oldest retained position when the cursor is absent
     * @throws UnusableCursor when the cursor is not a position of this feed, or names deleted events
     */
    public long start(String cursor) {
        long floor = deletedThrough();
        if (cursor == null || cursor.isEmpty()) {
            return floor;
        }
        long after;
        try {
            after = Long.parseLong(cursor);
        } catch (NumberFormatException e) {
            throw new UnusableCursor(UnusableCursor.Reason.MALFORMED, -1, floor);
        }
        if (after < 0 || after > head()) {
            throw new UnusableCursor(UnusableCursor.Reason.OUTSIDE, after, floor);
        }
        if (after < floor) {
            throw new UnusableCursor(UnusableCursor.Reason.DELETED, after, floor);
        }
        return after;
    }

    public EventPage page(long after, EventFilter filter, int limit) {
        return page(after, head(), filter, limit);
    }

    /**
     * Like {@link #page(long, EventFilter, int)}, bounded by {@code through} (at most the head) instead
     * of the head: a replay covers the events committed when it was asked for. The filter runs in the
     * database, on the event's columns and its stored call.
     */
    public EventPage page(long after, long through, EventFilter filter, int limit) {
        StringBuilder where = new StringBuilder("id > :after and id <= :through");
        Map<String, Object> params = new HashMap<>();
        params.put("after", after);
        params.put("through", through);
        filter.appendSql(where, params);
        Query query = em.createNativeQuery(
                "select * from call_event where " + where + " order by id limit :rows", CallEvent.class);
        params.forEach(query::setParameter);
        @SuppressWarnings("unchecked")
        List<CallEvent> rows = query.setParameter("rows", limit + 1).getResultList();
        boolean hasMore = rows.size() > limit;
        List<CallEvent> page = hasMore ? rows.subList(0, limit) : rows;
        long next = hasMore ? page.get(limit - 1).id : through;
        return new EventPage(page.stream().map(EventView::of).toList(), Long.toString(next), hasMore);
    }

    /** When the oldest retained event occurred; null when no event is retained. */
    public Instant oldestRetainedAt() {
        return (Instant) em.createNativeQuery(
                        "select min(occurred_at) from call_event where id > (select deleted_through from event_retention)",
                        Instant.class)
                .getSingleResult();
    }

    /** Every event in {@code (after, through]}, unfiltered, oldest first; the caller bounds the range. */
    public List<EventView> between(long after, long through) {
        return CallEvent.<CallEvent>find(
                        "id > :after and id <= :through order by id",
                        Parameters.with("after", after).and("through", through))
                .stream()
                .map(EventView::of)
                .toList();
    }
}
