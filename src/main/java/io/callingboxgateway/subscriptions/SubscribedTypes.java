package io.callingboxgateway.subscriptions;

import io.callingboxgateway.events.EventFilter;
import io.callingboxgateway.problem.RequestValues;
import java.util.List;

/** The event types a subscription asks for: known call event types, or {@code ["*"]} for all of them. */
final class SubscribedTypes {

    private SubscribedTypes() {}

    /**
     * The types sorted and without repeats; {@code ["*"]} (the default) when none are given.
     *
     * @throws InvalidSubscription naming {@code event_types} when the list is empty or names an unknown type
     */
    static List<String> checked(List<String> types) {
        if (types == null) {
            return List.of(Subscription.ALL_TYPES);
        }
        if (types.isEmpty()) {
            throw invalid("event_types must not be empty; use [\"*\"] for all event types");
        }
        List<String> wanted = types.stream().distinct().sorted().toList();
        if (wanted.contains(Subscription.ALL_TYPES)) {
            if (wanted.size() > 1) {
                throw invalid("event_types: \"*\" already means all event types; list it alone");
            }
            return wanted;
        }
        for (String type : wanted) {
            if (type == null || !EventFilter.TYPES.contains(type)) {
                throw invalid("event_types: '%s' is not an event type; valid types: %s, or \"*\" for all"
                        .formatted(
                                type == null ? "null" : RequestValues.echo(type),
                                String.join(", ", EventFilter.TYPES)));
            }
        }
        return wanted;
    }

    private static InvalidSubscription invalid(String detail) {
        return new InvalidSubscription("event_types", detail);
    }
}
