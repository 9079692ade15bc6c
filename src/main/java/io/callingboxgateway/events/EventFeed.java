package io.callingboxgateway.events;

import io.callingboxgateway.reconcile.CallEvent;
import io.quarkus.panache.common.Parameters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.util.List;

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
        long head = head();
        StringBuilder query = new StringBuilder("id > :after and id <= :head");
        Parameters params = Parameters.with("after", after).and("head", head);
        if (!filter.types().isEmpty()) {
            query.append(" and type in :types");
            params.and("types", filter.types());
        }
        if (filter.callId() != null) {
            query.append(" and callId = :callId");
            params.and("callId", filter.callId());
        }
        List<CallEvent> rows = CallEvent.<CallEvent>find(query + " order by id", params)
                .range(0, limit)
                .list();
        boolean hasMore = rows.size() > limit;
        List<CallEvent> page = hasMore ? rows.subList(0, limit) : rows;
        long next = hasMore ? page.get(limit - 1).id : head;
        return new EventPage(page.stream().map(EventView::of).toList(), Long.toString(next), hasMore);
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
