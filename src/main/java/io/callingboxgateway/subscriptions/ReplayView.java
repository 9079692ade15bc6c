package io.callingboxgateway.subscriptions;

import java.time.Instant;

/**
 * A replay waiting or running beside a subscription's live position.
 *
 * @param after the id of the last event replayed (or the position the replay starts after)
 * @param through the newest event id the replay covers: the head when it was asked for
 * @param since only events that occurred at or after it; null: open
 * @param until only events that occurred before it; null: open
 * @param attempts failed attempts on the replay's next event
 */
public record ReplayView(long after, long through, Instant since, Instant until, int attempts) {

    static ReplayView of(Subscription s) {
        return s.replayThrough == null
                ? null
                : new ReplayView(s.replayAfter, s.replayThrough, s.replaySince, s.replayUntil, s.replayAttempts);
    }
}
