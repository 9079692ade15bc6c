package io.callingboxgateway.privacy.erasure;

import com.fasterxml.jackson.databind.JsonNode;
import io.callingboxgateway.problem.ProblemException;
import io.callingboxgateway.problem.RequestValues;
import java.util.Iterator;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The body of {@code POST /erasures}: exactly one of {@code phone_number} (E.164) and {@code call_id} (a
 * UUID). Read field by field so that every mistake is answered with the field's name; the number is
 * never echoed back, even when malformed.
 */
record ErasureRequest(String phoneNumber, UUID callId) {

    static final String PHONE_NUMBER = "phone_number";
    static final String CALL_ID = "call_id";

    /** The same test as the number filters of GET /calls. */
    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{1,14}");

    private static final Set<String> FIELDS = Set.of(PHONE_NUMBER, CALL_ID);

    static ErasureRequest parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ProblemException.invalidParameter(
                    "body", "the body must be a JSON object with phone_number or call_id");
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String field = names.next();
            if (!FIELDS.contains(field)) {
                throw ProblemException.invalidParameter(
                        RequestValues.echo(field),
                        "unknown field '%s'; allowed: phone_number, call_id".formatted(RequestValues.echo(field)));
            }
        }
        JsonNode number = body.get(PHONE_NUMBER);
        JsonNode call = body.get(CALL_ID);
        if ((number == null) == (call == null)) {
            throw ProblemException.invalidParameter(
                    number == null ? "body" : CALL_ID, "give exactly one of phone_number and call_id");
        }
        if (number != null) {
            if (!number.isTextual() || !E164.matcher(number.asText()).matches()) {
                throw ProblemException.invalidParameter(
                        PHONE_NUMBER, "phone_number must be an E.164 number such as +15551234567");
            }
            return new ErasureRequest(number.asText(), null);
        }
        if (!call.isTextual()) {
            throw ProblemException.invalidParameter(CALL_ID, "call_id must be a UUID string");
        }
        return new ErasureRequest(null, RequestValues.uuid(CALL_ID, call.asText()));
    }

    String kind() {
        return phoneNumber != null ? PHONE_NUMBER : CALL_ID;
    }

    /** Never the number: records are logged and printed by frameworks. */
    @Override
    public String toString() {
        return phoneNumber != null ? "ErasureRequest[phone_number]" : "ErasureRequest[call_id=" + callId + "]";
    }
}
