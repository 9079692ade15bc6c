package io.callingboxgateway.testing;

import static io.callingboxgateway.model.CallField.*;

import com.fasterxml.jackson.databind.JsonNode;
import io.callingboxgateway.model.CallField;
import io.callingboxgateway.model.CallSnapshot;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Test data: a CallingBox call object built field by field, the fields named by {@link CallField}, so
 * a field added to the call object needs no change here. A test says
 * {@code next(queued, c -> c.set(STATUS, "ringing").set(STARTED_AT, t1))}.
 */
public final class CallBuilder {

    private final Map<CallField, Object> values = new EnumMap<>(CallField.class);
    private JsonNode raw;

    private CallBuilder() {}

    /** Only an id: every other field absent. */
    public static CallBuilder blank(UUID id) {
        return new CallBuilder().set(ID, id);
    }

    /** A freshly dispatched outbound call, queued, with the given upstream created_at and updated_at. */
    public static CallBuilder queued(UUID id, Instant at) {
        return blank(id)
                .set(AGENT_ID, UUID.fromString("00000000-0000-4000-8000-00000000a9e7"))
                .set(TO_NUMBER, "+15550100001")
                .set(FROM_NUMBER, "+15550100002")
                .set(STATUS, "queued")
                .set(DIRECTION, "outbound")
                .set(PERSONA, "Front desk")
                .set(INSTRUCTIONS, "Confirm tomorrow's appointment")
                .set(PROMPT, "You are the front desk. Confirm tomorrow's appointment.")
                .set(RESULT_STATUS, "pending")
                .set(LANGUAGE, "en")
                .set(WEBHOOK_URL, "https://consumer.example/hooks/callingbox")
                .set(WEBHOOK_STATUS, "pending")
                .set(CREATED_AT, at)
                .set(RESERVATION_STATUS, "reserved")
                .set(UPDATED_AT, at);
    }

    /** Every field of {@code snapshot}; the object as received is not carried over. */
    public static CallBuilder from(CallSnapshot snapshot) {
        CallBuilder b = new CallBuilder();
        for (CallField field : CallField.values()) {
            b.set(field, field.of(snapshot));
        }
        return b;
    }

    /** Shorthand for {@code from(s).with(change).build()}. */
    public static CallSnapshot next(CallSnapshot s, Consumer<CallBuilder> change) {
        return from(s).with(change).build();
    }

    /** Sets one field; a value of the wrong type fails here rather than deep in a merge. */
    public CallBuilder set(CallField field, Object value) {
        if (value != null && !field.type().isInstance(value)) {
            throw new IllegalArgumentException(
                    field.wireName() + " holds a " + field.type().getSimpleName() + ", not a "
                            + value.getClass().getSimpleName());
        }
        values.put(field, value);
        return this;
    }

    @SuppressWarnings("unchecked")
    public <T> T get(CallField field) {
        return (T) values.get(field);
    }

    /** The object as received that the snapshot carries beside its fields (null unless set). */
    public CallBuilder raw(JsonNode received) {
        raw = received;
        return this;
    }

    public CallBuilder with(Consumer<CallBuilder> change) {
        change.accept(this);
        return this;
    }

    public CallSnapshot build() {
        return CallField.assemble(values::get, raw);
    }
}
