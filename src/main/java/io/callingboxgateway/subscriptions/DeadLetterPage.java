package io.callingboxgateway.subscriptions;

import java.time.Instant;
import java.util.List;

/**
 * Events a subscriber's line gave up on, oldest first. Replaying from before an event sends it again.
 *
 * @param nextCursor the {@code after} of the next page, or null on the last page
 */
public record DeadLetterPage(List<DeadLetter> data, String nextCursor, boolean hasMore) {

    public record DeadLetter(
            long eventId, int attempts, String lastError, Integer lastResponseStatus, Instant deadAt) {}
}
