package io.callingboxgateway.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.callingboxgateway.problem.Problem;
import io.callingboxgateway.problem.ProblemException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Set;

/**
 * What goes wrong with the simulator's webhooks. Rates are probabilities per delivery attempt, drawn
 * from the simulator's seeded random source.
 */
public record FaultSettings(
        double dropRate,
        double duplicateRate,
        double delayRate,
        Duration maxDelay,
        double wrongSignatureRate,
        boolean webhooksSilent) {

    static final Duration MAX_DELAY_LIMIT = Duration.ofMinutes(10);
    /**
     * The hold-back limit when none is given: in a {@code PUT /sandbox/faults} body and, as the default of
     * {@code sandbox.faults.max-delay}, at start, so that no faults at all look the same either way.
     */
    static final String NEUTRAL_MAX_DELAY = "PT30S";

    static final Duration DEFAULT_MAX_DELAY = Duration.parse(NEUTRAL_MAX_DELAY);
    private static final Set<String> FIELDS =
            Set.of("drop_rate", "duplicate_rate", "delay_rate", "max_delay", "wrong_signature_rate", "webhooks_silent");

    public FaultSettings {
        rate("drop_rate", dropRate);
        rate("duplicate_rate", duplicateRate);
        rate("delay_rate", delayRate);
        rate("wrong_signature_rate", wrongSignatureRate);
        if (maxDelay == null || maxDelay.isNegative() || maxDelay.compareTo(MAX_DELAY_LIMIT) > 0) {
            throw invalid("max_delay", "max_delay must be an ISO-8601 duration from PT0S to PT10M");
        }
    }

    public static FaultSettings none() {
        return new FaultSettings(0, 0, 0, DEFAULT_MAX_DELAY, 0, false);
    }

    static FaultSettings of(SandboxConfig.Faults config) {
        return new FaultSettings(
                config.dropRate(),
                config.duplicateRate(),
                config.delayRate(),
                config.maxDelay(),
                config.wrongSignatureRate(),
                config.webhooksSilent());
    }

    public FaultSettings withDropRate(double rate) {
        return new FaultSettings(rate, duplicateRate, delayRate, maxDelay, wrongSignatureRate, webhooksSilent);
    }

    public FaultSettings withDuplicateRate(double rate) {
        return new FaultSettings(dropRate, rate, delayRate, maxDelay, wrongSignatureRate, webhooksSilent);
    }

    public FaultSettings withDelay(double rate, Duration max) {
        return new FaultSettings(dropRate, duplicateRate, rate, max, wrongSignatureRate, webhooksSilent);
    }

    public FaultSettings withWrongSignatureRate(double rate) {
        return new FaultSettings(dropRate, duplicateRate, delayRate, maxDelay, rate, webhooksSilent);
    }

    public FaultSettings withWebhooksSilent(boolean silent) {
        return new FaultSettings(dropRate, duplicateRate, delayRate, maxDelay, wrongSignatureRate, silent);
    }

    /**
     * Reads the body of {@code PUT /sandbox/faults}. A field left out takes its neutral value (no fault,
     * max_delay PT30S), so the body always states the whole set of faults in force.
     */
    static FaultSettings fromJson(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw invalid(null, "the body must be a JSON object");
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw invalid(name, "unknown field " + name + "; known fields are " + String.join(", ", sorted()));
            }
        }
        return new FaultSettings(
                number(body, "drop_rate"),
                number(body, "duplicate_rate"),
                number(body, "delay_rate"),
                duration(body, "max_delay"),
                number(body, "wrong_signature_rate"),
                bool(body, "webhooks_silent"));
    }

    ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("drop_rate", dropRate);
        json.put("duplicate_rate", duplicateRate);
        json.put("delay_rate", delayRate);
        json.put("max_delay", maxDelay.toString());
        json.put("wrong_signature_rate", wrongSignatureRate);
        json.put("webhooks_silent", webhooksSilent);
        return json;
    }

    private static double number(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return 0;
        }
        if (!value.isNumber()) {
            throw invalid(field, field + " must be a number from 0 to 1");
        }
        return value.doubleValue();
    }

    private static Duration duration(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return DEFAULT_MAX_DELAY;
        }
        try {
            if (value.isTextual()) {
                return Duration.parse(value.textValue());
            }
        } catch (DateTimeParseException e) {
            // answered below
        }
        throw invalid(field, field + " must be an ISO-8601 duration such as PT30S");
    }

    private static boolean bool(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw invalid(field, field + " must be true or false");
        }
        return value.booleanValue();
    }

    private static void rate(String field, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw invalid(field, field + " must be a number from 0 to 1");
        }
    }

    private static String[] sorted() {
        return FIELDS.stream().sorted().toArray(String[]::new);
    }

    static ProblemException invalid(String field, String detail) {
        Problem problem = Problem.of(400, "invalid-request", "Invalid request", detail);
        return new ProblemException(field == null ? problem : problem.withParameter(field));
    }
}
