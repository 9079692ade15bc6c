package io.callingboxgateway.events;

import io.callingboxgateway.problem.ProblemException;
import io.callingboxgateway.problem.RequestValues;
import io.callingboxgateway.reconcile.CallEvent;
import java.util.List;
import java.util.UUID;

/** The optional filters of the feed and the stream: event types (any of) and one call. */
public record EventFilter(List<String> types, UUID callId) {

    public static final List<String> TYPES = List.of(
            CallEvent.CREATED,
            CallEvent.STATUS_CHANGED,
            CallEvent.RESULT_READY,
            CallEvent.WEBHOOK_STATUS_CHANGED,
            CallEvent.UPDATED,
            CallEvent.TRANSCRIPT_READY,
            CallEvent.ERASED);

    static EventFilter parse(List<String> types, String callId) {
        List<String> wanted =
                types == null ? List.of() : types.stream().distinct().sorted().toList();
        for (String type : wanted) {
            if (!TYPES.contains(type)) {
                throw ProblemException.invalidParameter(
                        "type",
                        "type '%s' is not an event type; valid types: %s"
                                .formatted(RequestValues.echo(type), String.join(", ", TYPES)));
            }
        }
        return new EventFilter(wanted, RequestValues.uuid("call_id", callId));
    }

    /** The same test as the feed's query, for events a stream takes from memory. */
    boolean matches(EventView event) {
        return (types.isEmpty() || types.contains(event.type())) && (callId == null || callId.equals(event.callId()));
    }
}
