package io.callingboxgateway.events;

import io.callingboxgateway.problem.ProblemException;
import io.callingboxgateway.problem.RequestValues;
import io.callingboxgateway.reconcile.CallEvent;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The optional filters of the feed, the stream and a subscription: event types (any of), one call,
 * conditions on the call as it stood after the event, and a window of {@code occurred_at} ({@code since}
 * inclusive, {@code until} exclusive; null: open).
 */
public record EventFilter(List<String> types, UUID callId, CallConditions call, Instant since, Instant until) {

    public static final List<String> TYPES = List.of(
            CallEvent.CREATED,
            CallEvent.STATUS_CHANGED,
            CallEvent.RESULT_READY,
            CallEvent.WEBHOOK_STATUS_CHANGED,
            CallEvent.UPDATED,
            CallEvent.TRANSCRIPT_READY,
            CallEvent.ERASED);

    /** Types and a call only. */
    public EventFilter(List<String> types, UUID callId) {
        this(types, callId, CallConditions.NONE, null, null);
    }

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

    /** This filter, its events also passing {@code conditions}. */
    public EventFilter withCall(CallConditions conditions) {
        return new EventFilter(types, callId, conditions, since, until);
    }

    /** This filter, its events also inside {@code [since, until)} of {@code occurred_at}. */
    public EventFilter within(Instant since, Instant until) {
        return new EventFilter(types, callId, call, since, until);
    }

    /** The same test as the feed's query, for events a stream takes from memory. */
    boolean matches(EventView event) {
        return (types.isEmpty() || types.contains(event.type()))
                && (callId == null || callId.equals(event.callId()))
                && (since == null || !event.occurredAt().isBefore(since))
                && (until == null || event.occurredAt().isBefore(until))
                && call.matches(event.call());
    }

    /** The same test as {@link #matches}, appended to a native where clause on {@code call_event}. */
    void appendSql(StringBuilder where, Map<String, Object> params) {
        if (!types.isEmpty()) {
            where.append(" and type in (:types)");
            params.put("types", types);
        }
        if (callId != null) {
            where.append(" and call_id = :callId");
            params.put("callId", callId);
        }
        if (since != null) {
            where.append(" and occurred_at >= :since");
            params.put("since", since);
        }
        if (until != null) {
            where.append(" and occurred_at < :until");
            params.put("until", until);
        }
        call.appendSql(where, params);
    }
}
