package io.callingboxgateway.subscriptions;

import com.fasterxml.jackson.databind.JsonNode;
import io.callingboxgateway.calls.CallFieldParams;
import io.callingboxgateway.events.CallConditions;
import io.callingboxgateway.problem.ProblemException;
import io.callingboxgateway.problem.RequestValues;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A subscription's {@code filter} object: the filters of {@code GET /events}, keyed by their query
 * parameter names, repeatable ones ({@code status}) as arrays. Read into the same {@link CallConditions}
 * the feed uses, so a subscription and a reader with the same filter see the same events.
 */
public final class SubscriptionFilter {

    private static final List<String> FIELDS =
            List.of("status", "direction", "result_status", "webhook_status", "agent_id", "to_number", "from_number");

    private SubscriptionFilter() {}

    /**
     * The conditions of a request's {@code filter}; none when it is absent, null or {@code {}}.
     *
     * @throws InvalidSubscription naming {@code filter} or {@code filter.<key>} at fault
     */
    static CallConditions checked(JsonNode filter) {
        if (filter == null || filter.isNull()) {
            return CallConditions.NONE;
        }
        if (!filter.isObject()) {
            throw new InvalidSubscription(
                    "filter",
                    "filter must be an object such as {\"status\": [\"completed\"], \"metadata.team\": \"billing\"}");
        }
        CallFieldParams fields = new CallFieldParams();
        Map<String, List<String>> metadata = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = filter.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String key = entry.getKey();
            JsonNode value = entry.getValue();
            if (key.startsWith(CallConditions.METADATA_PREFIX)) {
                metadata.put(key, List.of(scalar(key, value)));
            } else if (key.equals("status")) {
                fields.status = statuses(value);
            } else if (FIELDS.contains(key)) {
                String text = text(key, value);
                switch (key) {
                    case "direction" -> fields.direction = text;
                    case "result_status" -> fields.resultStatus = text;
                    case "webhook_status" -> fields.webhookStatus = text;
                    case "agent_id" -> fields.agentId = text;
                    case "to_number" -> fields.toNumber = text;
                    default -> fields.fromNumber = text;
                }
            } else {
                throw new InvalidSubscription(
                        "filter." + RequestValues.echo(key),
                        "filter: '%s' is not a filter; valid keys: %s, metadata.<key>"
                                .formatted(RequestValues.echo(key), String.join(", ", FIELDS)));
            }
        }
        try {
            return CallConditions.of(fields, metadata);
        } catch (ProblemException e) {
            throw new InvalidSubscription(
                    "filter." + e.problem().parameter(), "filter." + e.problem().detail());
        }
    }

    /** The conditions a subscription stored (written by {@link #checked}, so valid). */
    public static CallConditions stored(JsonNode filter) {
        return checked(filter);
    }

    private static List<String> statuses(JsonNode value) {
        if (value.isTextual()) {
            return List.of(value.asText());
        }
        if (!value.isArray() || value.isEmpty()) {
            throw new InvalidSubscription(
                    "filter.status", "filter.status must be an array of statuses such as [\"completed\"]");
        }
        List<String> statuses = new ArrayList<>();
        value.forEach(status -> statuses.add(text("status", status)));
        return statuses;
    }

    private static String text(String key, JsonNode value) {
        if (!value.isTextual()) {
            throw new InvalidSubscription(
                    "filter." + RequestValues.echo(key),
                    "filter.%s must be a string".formatted(RequestValues.echo(key)));
        }
        return value.asText();
    }

    /** A metadata value may be given as the number or boolean it is; it is matched as text either way. */
    private static String scalar(String key, JsonNode value) {
        if (!value.isValueNode() || value.isNull()) {
            throw new InvalidSubscription(
                    "filter." + RequestValues.echo(key),
                    "filter.%s must be a string, number or boolean".formatted(RequestValues.echo(key)));
        }
        return value.asText();
    }
}
