package io.callingboxgateway.events;

import java.util.List;

/**
 * A page of the event feed. {@code next_cursor} is never null: on the last page it points after the
 * newest event considered, so asking again later returns only newer events.
 */
public record EventPage(List<EventView> data, String nextCursor, boolean hasMore) {

    /** This page as the given reader may see it. */
    EventPage as(boolean personalData) {
        return personalData
                ? this
                : new EventPage(data.stream().map(EventView::masked).toList(), nextCursor, hasMore);
    }
}
