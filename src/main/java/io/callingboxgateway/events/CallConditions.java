package io.callingboxgateway.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.callingboxgateway.calls.CallFieldParams;
import io.callingboxgateway.calls.CallFilter;
import io.callingboxgateway.problem.ProblemException;
import io.callingboxgateway.problem.RequestValues;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the call carried by an event must be for the event to pass: the fields {@code GET /calls}
 * filters on (parsed by {@link CallFilter#fields}, so both answer a bad value with the same words),
 * plus exact matches on top-level {@code metadata} keys. Always tested against the whole call as it
 * stood right after the event (the event's stored {@code call}), before any masking for the reader, so
 * a reader without {@code pii:read} can still select by a number it knows.
 *
 * @param fields the call-field filters; its timestamps are always null
 * @param metadata top-level metadata key to the text its value must have, sorted by key
 */
public record CallConditions(CallFilter fields, Map<String, String> metadata) {

    /** How a metadata condition is spelled as a query parameter (and as a subscription filter key). */
    public static final String METADATA_PREFIX = "metadata.";

    /** Metadata conditions one filter may hold: each one costs a test per event read. */
    public static final int MAX_METADATA = 10;

    static final int MAX_METADATA_KEY = 200;
    static final int MAX_METADATA_VALUE = 1000;

    /** No condition: every call passes. */
    public static final CallConditions NONE = new CallConditions(CallFilter.fields(new CallFieldParams()), Map.of());

    /**
     * The conditions of a request: the call fields as bound, and every {@code metadata.<key>} query
     * parameter (their names cannot be declared in advance).
     */
    public static CallConditions fromQuery(CallFieldParams fields, Map<String, List<String>> query) {
        Map<String, List<String>> metadata = new TreeMap<>();
        query.forEach((name, values) -> {
            if (name.startsWith(METADATA_PREFIX)) {
                metadata.put(name, values);
            }
        });
        return of(fields, metadata);
    }

    /**
     * @param metadata parameter names ({@code metadata.<key>}) to the values given for them
     * @throws ProblemException 400 naming the parameter at fault
     */
    public static CallConditions of(CallFieldParams fields, Map<String, List<String>> metadata) {
        CallFilter parsed = CallFilter.fields(fields);
        if (metadata.size() > MAX_METADATA) {
            throw ProblemException.invalidParameter(
                    metadata.keySet().iterator().next(),
                    "at most %d metadata.<key> filters at once".formatted(MAX_METADATA));
        }
        Map<String, String> wanted = new TreeMap<>();
        metadata.forEach((name, values) -> {
            String key = name.substring(METADATA_PREFIX.length());
            if (key.isEmpty() || key.length() > MAX_METADATA_KEY) {
                throw ProblemException.invalidParameter(
                        name,
                        "a metadata filter is metadata.<key>=<value>, with a key of 1 to %d characters"
                                .formatted(MAX_METADATA_KEY));
            }
            if (values == null || values.size() != 1 || values.get(0) == null) {
                throw ProblemException.invalidParameter(
                        name, "%s takes exactly one value".formatted(RequestValues.echo(name)));
            }
            if (values.get(0).length() > MAX_METADATA_VALUE) {
                throw ProblemException.invalidParameter(
                        name, "a metadata filter's value has at most %d characters".formatted(MAX_METADATA_VALUE));
            }
            wanted.put(key, values.get(0));
        });
        return new CallConditions(parsed, Collections.unmodifiableMap(wanted));
    }

    public boolean isEmpty() {
        return this.equals(NONE);
    }

    /**
     * Whether the call passes every condition; the same test {@link #appendSql} makes in the database. An
     * event without a call ({@code call.erased}) passes any: a consumer that filters must still hear that a
     * call it may hold was erased.
     */
    public boolean matches(JsonNode call) {
        if (call == null || !call.isObject()) {
            return true;
        }
        return (fields.statuses().isEmpty() || fields.statuses().contains(text(call, "status")))
                && equal(fields.direction(), text(call, "direction"))
                && equal(fields.resultStatus(), text(call, "result_status"))
                && equal(fields.webhookStatus(), text(call, "webhook_status"))
                && equal(fields.agentId() == null ? null : fields.agentId().toString(), text(call, "agent_id"))
                && equal(fields.toNumber(), text(call, "to_number"))
                && equal(fields.fromNumber(), text(call, "from_number"))
                && metadata.entrySet().stream().allMatch(wanted -> {
                    JsonNode value = call.path("metadata").get(wanted.getKey());
                    // A string, number or boolean as written; an object, array or null never equals a text
                    return value != null
                            && value.isValueNode()
                            && !value.isNull()
                            && value.asText().equals(wanted.getValue());
                });
    }

    /**
     * Appends the conditions to a native SQL where clause on {@code call_event}, testing its {@code call}
     * jsonb column; parameter names start with {@code cc_}.
     */
    void appendSql(StringBuilder where, Map<String, Object> params) {
        if (isEmpty()) {
            return;
        }
        where.append(" and (jsonb_typeof(call) is distinct from 'object' or (true");
        if (!fields.statuses().isEmpty()) {
            where.append(" and call ->> 'status' in (:cc_statuses)");
            params.put("cc_statuses", fields.statuses());
        }
        equalSql(where, params, "direction", fields.direction());
        equalSql(where, params, "result_status", fields.resultStatus());
        equalSql(where, params, "webhook_status", fields.webhookStatus());
        equalSql(
                where,
                params,
                "agent_id",
                fields.agentId() == null ? null : fields.agentId().toString());
        equalSql(where, params, "to_number", fields.toNumber());
        equalSql(where, params, "from_number", fields.fromNumber());
        int i = 0;
        for (Map.Entry<String, String> wanted : metadata.entrySet()) {
            where.append(" and jsonb_typeof(call -> 'metadata' -> :cc_mk%d) in ('string', 'number', 'boolean')"
                            .formatted(i))
                    .append(" and call -> 'metadata' ->> :cc_mk%d = :cc_mv%d".formatted(i, i));
            params.put("cc_mk" + i, wanted.getKey());
            params.put("cc_mv" + i, wanted.getValue());
            i++;
        }
        where.append("))");
    }

    /**
     * The conditions as a subscription's {@code filter} shows them: the query parameter names as keys,
     * {@code status} as an array, absent conditions left out.
     */
    public ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        if (!fields.statuses().isEmpty()) {
            fields.statuses().forEach(json.putArray("status")::add);
        }
        putIfSet(json, "direction", fields.direction());
        putIfSet(json, "result_status", fields.resultStatus());
        putIfSet(json, "webhook_status", fields.webhookStatus());
        putIfSet(
                json,
                "agent_id",
                fields.agentId() == null ? null : fields.agentId().toString());
        putIfSet(json, "to_number", fields.toNumber());
        putIfSet(json, "from_number", fields.fromNumber());
        metadata.forEach((key, value) -> json.put(METADATA_PREFIX + key, value));
        return json;
    }

    private static void putIfSet(ObjectNode json, String name, String value) {
        if (value != null) {
            json.put(name, value);
        }
    }

    private static void equalSql(StringBuilder where, Map<String, Object> params, String field, String value) {
        if (value != null) {
            where.append(" and call ->> '%s' = :cc_%s".formatted(field, field));
            params.put("cc_" + field, value);
        }
    }

    private static boolean equal(String wanted, String actual) {
        return wanted == null || wanted.equals(actual);
    }

    private static String text(JsonNode call, String field) {
        JsonNode value = call.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
