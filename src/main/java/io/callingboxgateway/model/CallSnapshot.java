package io.callingboxgateway.model;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.OptBoolean;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.InjectableValues;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import jakarta.persistence.Embeddable;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.annotations.Mutability;
import org.hibernate.type.SqlTypes;
import org.hibernate.type.descriptor.java.Immutability;

/**
 * The CallingBox call object, field for field as CallingBox documents it (snake_case on the wire): what
 * {@code GET /v1/calls}, {@code GET /v1/calls/{id}} and a webhook's {@code data.call} carry, and the
 * upstream half of what the gateway serves.
 *
 * <p>Timestamps are cut to microseconds, PostgreSQL's precision, and JSON {@code null} objects become
 * Java null, so a snapshot compares equal to itself after a round trip through the store.
 *
 * <p>Fields CallingBox adds later are not bound (webhook, {@code GET /v1/calls}, {@code GET
 * /v1/calls/{id}} alike): the gateway refuses unknown fields only in its own callers' request bodies.
 * They survive in {@link #raw()}, the call object exactly as received, which {@link #read} keeps
 * beside the bound fields and the call view serves (docs/decisions/0056-tolerant-call-binding.md).
 *
 * <p>It is also the upstream half of the stored call, embedded column for column: the fields are
 * spelled here once, and {@link CallField} lists them for whatever must go through all of them
 * (docs/decisions/0061-one-call-model.md).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@Embeddable
public record CallSnapshot(
        UUID id,
        @JsonDeserialize(using = Lenient.Uuid.class) UUID agentId,
        @JsonDeserialize(using = Lenient.Text.class) String toNumber,
        @JsonDeserialize(using = Lenient.Text.class) String fromNumber,
        String status,
        @JsonDeserialize(using = Lenient.Text.class) String direction,
        @JsonDeserialize(using = Lenient.Text.class) String answeredBy,
        @JsonDeserialize(using = Lenient.Text.class) String persona,
        @JsonDeserialize(using = Lenient.Text.class) String instructions,
        @JsonDeserialize(using = Lenient.Text.class) String prompt,
        @JdbcTypeCode(SqlTypes.JSON) JsonNode context,
        @JdbcTypeCode(SqlTypes.JSON) JsonNode returns,
        @JdbcTypeCode(SqlTypes.JSON) JsonNode result,
        @JsonDeserialize(using = Lenient.Text.class) String resultStatus,
        @JsonDeserialize(using = Lenient.Text.class) String resultError,
        @JsonDeserialize(using = Lenient.Text.class) String language,
        @JsonDeserialize(using = Lenient.Text.class) String webhookUrl,
        @JsonDeserialize(using = Lenient.Text.class) String webhookStatus,
        @JsonDeserialize(using = Lenient.Text.class) String webhookError,
        Instant createdAt,
        @JsonDeserialize(using = Lenient.Time.class) Instant startedAt,
        @JsonDeserialize(using = Lenient.Time.class) Instant answeredAt,
        @JsonDeserialize(using = Lenient.Time.class) Instant endedAt,
        @JsonDeserialize(using = Lenient.Whole.class) Integer durationSeconds,
        @JsonDeserialize(using = Lenient.Whole.class) Integer billedDurationSeconds,
        @JsonDeserialize(using = Lenient.BigWhole.class) Long billingAmountMilliCents,
        @JsonDeserialize(using = Lenient.Text.class) String reservationStatus,
        @JsonDeserialize(using = Lenient.Text.class) String errorCode,
        @JsonDeserialize(using = Lenient.Text.class) String errorMessage,
        @JsonDeserialize(using = Lenient.Text.class) String hangupCause,
        @JdbcTypeCode(SqlTypes.JSON) JsonNode metadata,
        Instant updatedAt,

        // Never changed in place, only replaced: Hibernate need not deep-copy it on every load for dirty
        // checking, which would double the cost of reading it on the /calls list
        @JsonIgnore
        @JacksonInject(value = RECEIVED, useInput = OptBoolean.FALSE, optional = OptBoolean.TRUE)
        @JdbcTypeCode(SqlTypes.JSON)
        @Mutability(Immutability.class)
        JsonNode raw) {

    /** The name under which a reader is handed the object a call is bound from (see {@link #asReceived}). */
    static final String RECEIVED = "callingbox-gateway/call-as-received";

    /** Binds a call object and keeps it, exactly as received, beside the bound fields. */
    public static CallSnapshot read(ObjectMapper json, JsonNode received) throws JsonProcessingException {
        return json.readerFor(CallSnapshot.class).with(asReceived(received)).treeToValue(received, CallSnapshot.class);
    }

    /**
     * What a reader injects as {@link #raw()} of the call it binds from {@code received}. An object
     * PostgreSQL's jsonb cannot hold (a NUL character anywhere, even in a field we do not bind) is left
     * out: the bound fields are checked on their own and the call is still stored, only without its
     * original text.
     */
    public static InjectableValues asReceived(JsonNode received) {
        JsonNode kept = received == null || !received.isObject() || holdsNul(received) ? null : received;
        return new InjectableValues.Std().addValue(RECEIVED, kept);
    }

    public CallSnapshot {
        context = present(context);
        returns = present(returns);
        result = present(result);
        metadata = present(metadata);
        createdAt = micros(createdAt);
        startedAt = micros(startedAt);
        answeredAt = micros(answeredAt);
        endedAt = micros(endedAt);
        updatedAt = micros(updatedAt);
    }

    /** What is missing for this to be a usable call object, or null when nothing is. */
    public String missingRequiredField() {
        if (id == null) return "id";
        if (status == null || status.isBlank()) return "status";
        if (direction == null || direction.isBlank()) return "direction";
        if (createdAt == null) return "created_at";
        if (updatedAt == null) return "updated_at";
        if (toNumber == null) return "to_number";
        if (fromNumber == null) return "from_number";
        return null;
    }

    /**
     * Why this call cannot be stored as given, naming the field, or null when it can. JSON allows what
     * PostgreSQL refuses: a NUL character (U+0000) in any string, which neither text nor jsonb holds,
     * and dates beyond the range of timestamptz (4714 BC to 294276 AD), which a Java Instant holds.
     */
    public String unstorableField() {
        for (CallField field : CallField.values()) {
            if (holdsNul(field.of(this))) {
                return field.wireName() + " holds a NUL character (\\u0000)";
            }
        }
        for (CallField field : CallField.values()) {
            if (field.of(this) instanceof Instant time && !isStorable(time)) {
                return field.wireName() + " lies outside the dates PostgreSQL stores (4714 BC to 294276 AD)";
            }
        }
        return null;
    }

    /** Whether PostgreSQL's timestamptz holds this instant. */
    public static boolean isStorable(Instant instant) {
        return !instant.isBefore(EARLIEST_STORABLE) && !instant.isAfter(LATEST_STORABLE);
    }

    private static final Instant EARLIEST_STORABLE = Instant.parse("-4713-11-24T00:00:00Z");
    private static final Instant LATEST_STORABLE = Instant.parse("+294276-12-31T23:59:59.999999Z");

    private static boolean holdsNul(Object value) {
        if (value instanceof String text) {
            return text.indexOf('\0') >= 0;
        }
        if (value instanceof JsonNode node) {
            if (node.isTextual()) {
                return holdsNul(node.textValue());
            }
            for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (holdsNul(field.getKey()) || holdsNul(field.getValue())) {
                    return true;
                }
            }
            for (JsonNode element : node.isArray() ? node : List.<JsonNode>of()) {
                if (holdsNul(element)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static JsonNode present(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode() ? null : node;
    }

    private static Instant micros(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.MICROS);
    }
}
