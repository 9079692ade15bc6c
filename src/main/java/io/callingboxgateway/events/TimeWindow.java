package io.callingboxgateway.events;

import io.callingboxgateway.calls.CallFilter;
import io.callingboxgateway.problem.Problem;
import io.callingboxgateway.problem.ProblemException;
import java.time.Instant;

/**
 * A window of {@code occurred_at}, as {@code /events?since=&until=} and a subscription replay take it:
 * {@code since} inclusive, {@code until} exclusive, either open (null).
 */
public record TimeWindow(Instant since, Instant until) {

    public static final TimeWindow OPEN = new TimeWindow(null, null);

    /**
     * @throws ProblemException 400 naming {@code since} or {@code until} when one is not an RFC 3339
     *     timestamp, or when {@code until} is not later than {@code since}
     */
    public static TimeWindow parse(String since, String until) {
        TimeWindow window = new TimeWindow(CallFilter.timestamp("since", since), CallFilter.timestamp("until", until));
        if (window.since != null && window.until != null && !window.since.isBefore(window.until)) {
            throw ProblemException.invalidParameter("until", "until must be later than since");
        }
        return window;
    }

    /**
     * Refuses a window that starts before the oldest retained event once retention has deleted any:
     * part of what the caller asks for is gone, and an answer without it would look complete.
     *
     * @throws ProblemException 410 naming {@code parameter}
     */
    public void requireRetained(EventFeed feed, String parameter) {
        if (since == null || feed.deletedThrough() == 0) {
            return;
        }
        Instant oldest = feed.oldestRetainedAt();
        if (oldest == null || since.isBefore(oldest)) {
            throw new ProblemException(Problem.of(
                            410,
                            "window-expired",
                            "Events deleted by retention",
                            "events that occurred from %s on were partly deleted by retention; the oldest retained event occurred at %s"
                                    .formatted(since, oldest == null ? "(none retained)" : oldest))
                    .withParameter(parameter));
        }
    }
}
