package io.callingboxgateway.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The fields of the CallingBox call object, each in the group whose snapshot decides its value. The
 * result and webhook fields are decided apart from the rest because they progress on axes of their own.
 */
public enum CallField {
    ID("id", CallSnapshot::id, Group.MAIN),
    AGENT_ID("agent_id", CallSnapshot::agentId, Group.MAIN),
    TO_NUMBER("to_number", CallSnapshot::toNumber, Group.MAIN, Personal.NUMBER),
    FROM_NUMBER("from_number", CallSnapshot::fromNumber, Group.MAIN, Personal.NUMBER),
    STATUS("status", CallSnapshot::status, Group.MAIN),
    DIRECTION("direction", CallSnapshot::direction, Group.MAIN),
    ANSWERED_BY("answered_by", CallSnapshot::answeredBy, Group.MAIN),
    PERSONA("persona", CallSnapshot::persona, Group.MAIN),
    INSTRUCTIONS("instructions", CallSnapshot::instructions, Group.MAIN, Personal.CONTENT),
    PROMPT("prompt", CallSnapshot::prompt, Group.MAIN, Personal.CONTENT),
    CONTEXT("context", CallSnapshot::context, Group.MAIN, Personal.CONTENT),
    RETURNS("returns", CallSnapshot::returns, Group.MAIN),
    RESULT("result", CallSnapshot::result, Group.RESULT, Personal.CONTENT),
    RESULT_STATUS("result_status", CallSnapshot::resultStatus, Group.RESULT),
    RESULT_ERROR("result_error", CallSnapshot::resultError, Group.RESULT),
    LANGUAGE("language", CallSnapshot::language, Group.MAIN),
    WEBHOOK_URL("webhook_url", CallSnapshot::webhookUrl, Group.MAIN),
    WEBHOOK_STATUS("webhook_status", CallSnapshot::webhookStatus, Group.WEBHOOK),
    WEBHOOK_ERROR("webhook_error", CallSnapshot::webhookError, Group.WEBHOOK),
    CREATED_AT("created_at", CallSnapshot::createdAt, Group.MAIN),
    STARTED_AT("started_at", CallSnapshot::startedAt, Group.MAIN),
    ANSWERED_AT("answered_at", CallSnapshot::answeredAt, Group.MAIN),
    ENDED_AT("ended_at", CallSnapshot::endedAt, Group.MAIN),
    DURATION_SECONDS("duration_seconds", CallSnapshot::durationSeconds, Group.MAIN),
    BILLED_DURATION_SECONDS("billed_duration_seconds", CallSnapshot::billedDurationSeconds, Group.MAIN),
    BILLING_AMOUNT_MILLI_CENTS("billing_amount_milli_cents", CallSnapshot::billingAmountMilliCents, Group.MAIN),
    RESERVATION_STATUS("reservation_status", CallSnapshot::reservationStatus, Group.MAIN),
    ERROR_CODE("error_code", CallSnapshot::errorCode, Group.MAIN),
    ERROR_MESSAGE("error_message", CallSnapshot::errorMessage, Group.MAIN),
    HANGUP_CAUSE("hangup_cause", CallSnapshot::hangupCause, Group.MAIN),
    METADATA("metadata", CallSnapshot::metadata, Group.MAIN, Personal.CONTENT),
    UPDATED_AT("updated_at", CallSnapshot::updatedAt, Group.MAIN);

    /**
     * Whether a field is personal data, and how a reader without {@code pii:read} sees it: a number
     * masked to its last four digits, content not at all (privacy/Redaction).
     */
    public enum Personal {
        NO,
        NUMBER,
        CONTENT
    }

    public enum Group {
        MAIN,
        RESULT,
        WEBHOOK
    }

    private final String wireName;
    private final Group group;
    private final Function<CallSnapshot, Object> getter;
    private final Personal personal;

    CallField(String wireName, Function<CallSnapshot, Object> getter, Group group) {
        this(wireName, getter, group, Personal.NO);
    }

    CallField(String wireName, Function<CallSnapshot, Object> getter, Group group, Personal personal) {
        this.wireName = wireName;
        this.getter = getter;
        this.group = group;
        this.personal = personal;
    }

    /** Whether this field is personal data, and of which kind. */
    public Personal personal() {
        return personal;
    }

    /** The field's name on the wire and in the event log, as CallingBox spells it. */
    public String wireName() {
        return wireName;
    }

    /** The group whose winning snapshot decides this field in a merge. */
    public Group group() {
        return group;
    }

    public Object of(CallSnapshot snapshot) {
        return getter.apply(snapshot);
    }

    /** The snapshot's canonical constructor: every field in this list's order, then {@code raw}. */
    private static final Constructor<CallSnapshot> CONSTRUCTOR = canonicalConstructor();

    /**
     * A snapshot with each field's value taken from {@code value}, and {@code raw} as the object
     * received: the one way to build a snapshot field by field, so a merge, a copy or a test builder
     * never spells the fields again.
     */
    public static CallSnapshot assemble(Function<CallField, Object> value, JsonNode raw) {
        CallField[] fields = values();
        Object[] arguments = new Object[fields.length + 1];
        for (CallField field : fields) {
            arguments[field.ordinal()] = value.apply(field);
        }
        arguments[fields.length] = raw;
        try {
            return CONSTRUCTOR.newInstance(arguments);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build a call snapshot", e);
        }
    }

    /** The Java type of the field's value, as the snapshot declares it. */
    public Class<?> type() {
        return CallSnapshot.class.getRecordComponents()[ordinal()].getType();
    }

    /**
     * Checked once, when the class loads: this list and the record's components must name the same
     * fields in the same order (wire name = component name in snake_case), the last component being
     * {@code raw}; a field added to one and not the other fails at startup, not in a merge.
     */
    private static Constructor<CallSnapshot> canonicalConstructor() {
        RecordComponent[] components = CallSnapshot.class.getRecordComponents();
        CallField[] fields = values();
        if (components.length != fields.length + 1
                || !components[fields.length].getName().equals("raw")) {
            throw new IllegalStateException("CallField and CallSnapshot list different fields");
        }
        for (CallField field : fields) {
            String component = components[field.ordinal()].getName();
            String snake = component.replaceAll("([A-Z])", "_$1").toLowerCase(Locale.ROOT);
            if (!snake.equals(field.wireName)) {
                throw new IllegalStateException("CallField " + field + " stands where CallSnapshot has " + component);
            }
        }
        try {
            return CallSnapshot.class.getDeclaredConstructor(
                    Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new));
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether two snapshots agree on every field, whatever objects they were read from. */
    public static boolean sameValues(CallSnapshot a, CallSnapshot b) {
        return Arrays.stream(values()).allMatch(f -> Objects.equals(f.of(a), f.of(b)));
    }

    public static List<CallField> in(Group group) {
        return Arrays.stream(values()).filter(f -> f.group == group).toList();
    }

    /**
     * A text of a group's values that does not depend on JSON key order (jsonb reorders keys), used
     * only to break exact ties between different snapshots deterministically. Different values must give
     * different texts, or a tie would be left to arrival order: so texts and keys are quoted as JSON
     * strings, and only a missing value reads as a bare null.
     */
    public static String canonical(CallSnapshot snapshot, Group group) {
        StringBuilder text = new StringBuilder();
        for (CallField field : in(group)) {
            Object value = field.of(snapshot);
            text.append(field.wireName()).append('=');
            text.append(value instanceof JsonNode node ? canonical(node) : scalar(value));
            text.append('\u0000');
        }
        return text.toString();
    }

    private static String scalar(Object value) {
        return value == null ? "null" : TextNode.valueOf(value.toString()).toString();
    }

    private static String canonical(JsonNode node) {
        if (node.isObject()) {
            Map<String, String> sorted = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                sorted.put(entry.getKey(), canonical(entry.getValue()));
            }
            StringBuilder members = new StringBuilder("{");
            sorted.forEach((key, value) -> members.append(TextNode.valueOf(key))
                    .append(':')
                    .append(value)
                    .append(','));
            return members.append('}').toString();
        }
        if (node.isArray()) {
            StringBuilder items = new StringBuilder("[");
            node.forEach(item -> items.append(canonical(item)).append(','));
            return items.append(']').toString();
        }
        return node.toString();
    }
}
