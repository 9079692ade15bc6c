package io.callingboxgateway.events;

import io.callingboxgateway.problem.ProblemException;

/** Reads a cursor given in a request (a query parameter or a header) and answers a bad one as a problem. */
public final class CursorParameter {

    private CursorParameter() {}

    /**
     * @param parameter the name the caller used for the cursor, named in the problem
     * @return the id after which to read; the oldest retained position when the cursor is absent
     */
    public static long resolve(EventFeed feed, String cursor, String parameter) {
        try {
            return feed.start(cursor);
        } catch (UnusableCursor e) {
            throw switch (e.reason()) {
                case MALFORMED ->
                    ProblemException.invalidParameter(
                            parameter, parameter + " must be an event id or a next_cursor returned by this feed");
                case OUTSIDE ->
                    ProblemException.invalidParameter(
                            parameter,
                            parameter + " points outside the feed; use an event id or a next_cursor returned by it");
                case DELETED ->
                    ProblemException.gone(
                            parameter,
                            "events after %d were deleted by retention; the oldest retained position is %d: resume with after=%d and reconcile from GET /calls"
                                    .formatted(e.position(), e.oldestRetained(), e.oldestRetained()));
            };
        }
    }
}
