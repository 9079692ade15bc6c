package io.callingboxgateway.model;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import io.micrometer.core.instrument.Metrics;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Binding of the call object's non-key fields that survives CallingBox changing a field's shape (a
 * string where a UUID was, a text where a number was): the value that does not fit is bound as null,
 * logged by field and counted in {@code gateway_calls_shape_mismatch_total{field}}, and the rest of the
 * call is stored. Only the key fields (id, status, updated_at) stay strict: without them a call cannot
 * be merged. See docs/decisions/0056-tolerant-call-binding.md.
 */
final class Lenient {

    private static final Logger LOG = Logger.getLogger(Lenient.class);

    private Lenient() {}

    /** Counts a value that did not fit its field; the value itself is never logged (it may be a number). */
    static <T> T mismatch(JsonParser p, String expected) throws IOException {
        String field = p.currentName() == null ? "unknown" : p.currentName();
        Metrics.counter("gateway.calls.shape.mismatch", "field", field).increment();
        LOG.warnf("A CallingBox call object's %s is not %s (%s); stored as null", field, expected, p.currentToken());
        p.skipChildren();
        return null;
    }

    /** A UUID, or null when the text is not one (CallingBox once sent agent ids as "agt_..."). */
    static final class Uuid extends StdDeserializer<UUID> {
        Uuid() {
            super(UUID.class);
        }

        @Override
        public UUID deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() == JsonToken.VALUE_STRING) {
                try {
                    return UUID.fromString(p.getText());
                } catch (IllegalArgumentException e) {
                    // answered below
                }
            }
            return mismatch(p, "a UUID");
        }
    }

    /** A whole number that fits an int, or null. */
    static final class Whole extends StdDeserializer<Integer> {
        Whole() {
            super(Integer.class);
        }

        @Override
        public Integer deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT) {
                return p.getIntValue();
            }
            return mismatch(p, "a whole number");
        }
    }

    /** A whole number that fits a long, or null. */
    static final class BigWhole extends StdDeserializer<Long> {
        BigWhole() {
            super(Long.class);
        }

        @Override
        public Long deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() == JsonToken.VALUE_NUMBER_INT
                    && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
                return p.getLongValue();
            }
            return mismatch(p, "a whole number");
        }
    }

    /** An ISO 8601 timestamp with an offset, or null. */
    static final class Time extends StdDeserializer<Instant> {
        Time() {
            super(Instant.class);
        }

        @Override
        public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() == JsonToken.VALUE_STRING) {
                try {
                    return OffsetDateTime.parse(p.getText()).toInstant();
                } catch (DateTimeParseException e) {
                    // answered below
                }
            }
            return mismatch(p, "an ISO 8601 timestamp");
        }
    }

    /** A text; a number or boolean is kept as its text, an object or array is null. */
    static final class Text extends StdDeserializer<String> {
        Text() {
            super(String.class);
        }

        @Override
        public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken().isScalarValue()) {
                return p.getText();
            }
            return mismatch(p, "a text");
        }
    }
}
