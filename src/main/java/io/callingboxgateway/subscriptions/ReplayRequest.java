package io.callingboxgateway.subscriptions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callingboxgateway.calls.CallFilter;
import io.callingboxgateway.events.EventFeed;
import io.callingboxgateway.events.TimeWindow;
import io.callingboxgateway.problem.Problem;
import io.callingboxgateway.problem.ProblemException;
import io.callingboxgateway.problem.RequestValues;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;

/**
 * The body of {@code POST /subscriptions/{id}/replay}: a window of {@code occurred_at} ({@code since}
 * inclusive, {@code until} exclusive and optional), or the events from {@code from_event_id} on (that
 * event included), optionally up to {@code until}. The replay runs beside the live position, which it
 * never moves.
 */
record ReplayRequest(Instant since, Instant until, Long fromEventId) {

    private static final List<String> KEYS = List.of("since", "until", "from_event_id");

    /** What to replay, in positions of the feed: the events in {@code (after, through]} inside the window. */
    record Range(long after, long through, Instant since, Instant until) {}

    /**
     * @return null when the body is empty (the request is the older form, {@code ?from=})
     * @throws InvalidSubscription or {@link ProblemException} 400 naming the field at fault
     */
    static ReplayRequest parse(ObjectMapper json, String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        JsonNode request;
        try {
            request = json.readTree(body);
        } catch (JsonProcessingException e) {
            throw new InvalidSubscription("body", "the replay body must be a JSON object");
        }
        if (request == null || !request.isObject()) {
            throw new InvalidSubscription("body", "the replay body must be a JSON object");
        }
        for (Iterator<String> names = request.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!KEYS.contains(name)) {
                throw new InvalidSubscription(
                        RequestValues.echo(name),
                        "'%s' is not a replay field; give since (and until), or from_event_id"
                                .formatted(RequestValues.echo(name)));
            }
        }
        Instant since = timestamp(request, "since");
        Instant until = timestamp(request, "until");
        Long from = eventId(request.get("from_event_id"));
        if (since != null && from != null) {
            throw new InvalidSubscription("from_event_id", "give either since or from_event_id, not both");
        }
        if (since == null && from == null) {
            throw new InvalidSubscription(
                    "since", "give since (an RFC 3339 timestamp, with until if you like) or from_event_id");
        }
        TimeWindow.parse(since == null ? null : since.toString(), until == null ? null : until.toString());
        return new ReplayRequest(since, until, from);
    }

    /**
     * The positions the replay covers, judged now: up to the newest event committed.
     *
     * @throws ProblemException 410 when retention deleted part of what is asked for; 400 for an event id
     *     the feed has not reached
     */
    Range resolve(EventFeed feed) {
        long head = feed.head();
        if (fromEventId != null) {
            if (fromEventId < 1 || fromEventId > head) {
                throw new InvalidSubscription("from_event_id", "from_event_id must be the id of an event of the feed");
            }
            long deletedThrough = feed.deletedThrough();
            if (fromEventId <= deletedThrough) {
                throw new ProblemException(Problem.of(
                                410,
                                "window-expired",
                                "Events deleted by retention",
                                "events up to %d were deleted by retention; the oldest retained event is %d"
                                        .formatted(deletedThrough, deletedThrough + 1))
                        .withParameter("from_event_id"));
            }
            return new Range(fromEventId - 1, head, null, until);
        }
        new TimeWindow(since, until).requireRetained(feed, "since");
        return new Range(feed.deletedThrough(), head, since, until);
    }

    private static Instant timestamp(JsonNode request, String name) {
        JsonNode value = request.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw ProblemException.invalidParameter(
                    name, "%s must be an RFC 3339 timestamp such as 2026-04-16T14:00:00Z".formatted(name));
        }
        return CallFilter.timestamp(name, value.asText());
    }

    private static Long eventId(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.canConvertToExactIntegral() && value.canConvertToLong()) {
            return value.asLong();
        }
        if (value.isTextual() && value.asText().matches("[0-9]{1,18}")) {
            return Long.parseLong(value.asText());
        }
        throw new InvalidSubscription("from_event_id", "from_event_id must be an event id (a whole number)");
    }
}
