package io.callingboxgateway.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.regex.Pattern;

/**
 * How a call looks to a reader without {@code pii:read}: phone numbers masked to their last four
 * digits, conversation content null, and {@code "redacted": true}. Which fields are which is spelled
 * once, in {@link CallField#personal()}; this class only applies it: to the JSON a reader receives,
 * while the store keeps the call whole, and to a call the store keeps redacted for good
 * ({@link #snapshot}).
 */
public final class Redaction {

    /** The field a masked call carries; a call shown whole has none. */
    public static final String FLAG = "redacted";

    private static final String HIDDEN = "\u2022".repeat(7);
    private static final Pattern E164 = Pattern.compile("\\+\\d{8,15}");
    /** What {@link #number} makes: masking it again must change nothing (a call stored redacted). */
    private static final Pattern MASKED = Pattern.compile("(\\+\\d)?\u2022{7}.{0,4}");

    private static final int SHOWN = 4;

    private Redaction() {}

    /**
     * A number as a reader without {@code pii:read} sees it: an E.164 number keeps its {@code +}, its
     * first digit and its last four digits, with always seven {@code •} between, so the mask tells
     * nothing of the number's length ({@code +15550100001} reads {@code +1•••••••0001},
     * {@code +442079460958} reads {@code +4•••••••0958}). Anything else (a short code, a malformed
     * value) reads as seven {@code •} and, only when it is longer than eight characters, its last four.
     * A mask is kept as it is, so a number stored masked reads the same to every reader.
     */
    public static String number(String value) {
        if (value == null || MASKED.matcher(value).matches()) {
            return value;
        }
        if (E164.matcher(value).matches()) {
            return "+" + value.charAt(1) + HIDDEN + value.substring(value.length() - SHOWN);
        }
        return value.length() > 2 * SHOWN ? HIDDEN + value.substring(value.length() - SHOWN) : HIDDEN;
    }

    /**
     * A call kept without its personal data for good (retention's redaction, an erased call brought
     * back): numbers masked as {@link #number} shows them, content null, and the object as received
     * dropped, since fields CallingBox adds later may hold personal data too.
     */
    public static CallSnapshot snapshot(CallSnapshot call) {
        return CallField.assemble(field -> keep(field, field.of(call)), null);
    }

    private static Object keep(CallField field, Object value) {
        return switch (field.personal()) {
            case NO -> value;
            case CONTENT -> null;
            case NUMBER -> number((String) value);
        };
    }

    /** A masked copy of a call as served (an {@code ObjectNode}); anything else is returned as it is. */
    public static JsonNode call(JsonNode call) {
        if (call == null || !call.isObject()) {
            return call;
        }
        ObjectNode masked = ((ObjectNode) call).deepCopy();
        for (CallField field : CallField.values()) {
            JsonNode value = masked.get(field.wireName());
            if (value != null) {
                masked.set(field.wireName(), mask(field, value));
            }
        }
        masked.put(FLAG, true);
        return masked;
    }

    /**
     * A masked copy of an event's {@code changes} ({@code {"field": {"before": .., "after": ..}}}):
     * both values of a personal field masked like the call's.
     */
    public static JsonNode changes(JsonNode changes) {
        if (changes == null || !changes.isObject()) {
            return changes;
        }
        ObjectNode masked = ((ObjectNode) changes).deepCopy();
        for (CallField field : CallField.values()) {
            JsonNode change = masked.get(field.wireName());
            if (field.personal() != CallField.Personal.NO && change != null && change.isObject()) {
                ObjectNode beforeAfter = (ObjectNode) change;
                for (String side : new String[] {"before", "after"}) {
                    if (beforeAfter.has(side)) {
                        beforeAfter.set(side, mask(field, beforeAfter.get(side)));
                    }
                }
            }
        }
        return masked;
    }

    private static JsonNode mask(CallField field, JsonNode value) {
        return switch (field.personal()) {
            case NO -> value;
            case CONTENT -> NullNode.getInstance();
            case NUMBER -> value.isNull() ? value : TextNode.valueOf(number(value.asText()));
        };
    }
}
