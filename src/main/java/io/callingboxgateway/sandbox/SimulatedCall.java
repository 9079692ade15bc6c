package io.callingboxgateway.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.UUID;

/**
 * One call as the simulated CallingBox holds it. Mutated only by {@link CallSimulator}, under the
 * call's own monitor; {@link #toJson()} renders the documented call object, field for field.
 */
final class SimulatedCall {

    final UUID id;
    final long sequence;
    final long epoch;
    final Outcome outcome;

    UUID agentId;
    String toNumber;
    String fromNumber;
    String status = "queued";
    String direction;
    String answeredBy;
    String persona;
    String instructions;
    String prompt;
    JsonNode context;
    JsonNode returns;
    JsonNode result;
    String resultStatus = "pending";
    String resultError;
    String language = "en";
    String webhookUrl;
    String webhookStatus;
    String webhookError;
    Instant createdAt;
    Instant startedAt;
    Instant answeredAt;
    Instant endedAt;
    Integer durationSeconds;
    Integer billedDurationSeconds;
    Long billingAmountMilliCents;
    String reservationStatus = "reserved";
    String errorCode;
    String errorMessage;
    String hangupCause;
    JsonNode metadata;
    Instant updatedAt;

    SimulatedCall(UUID id, long sequence, long epoch, Outcome outcome, Instant createdAt) {
        this.id = id;
        this.sequence = sequence;
        this.epoch = epoch;
        this.outcome = outcome;
        this.createdAt = createdAt;
        this.updatedAt = createdAt;
    }

    /**
     * Records a change at {@code now}. Every change moves {@code updated_at} strictly forward, even
     * within one microsecond, because receivers order snapshots of a call by it.
     */
    synchronized void touch(Instant now) {
        updatedAt = now.isAfter(updatedAt) ? now : updatedAt.plusNanos(1_000);
    }

    /** The inline call.completed delivery got a 2xx. */
    synchronized void webhookDelivered(Instant now) {
        webhookStatus = "delivered";
        webhookError = null;
        touch(now);
    }

    /** The inline call.completed delivery is exhausted. */
    synchronized void webhookFailed(String error, Instant now) {
        webhookStatus = "failed";
        webhookError = error;
        touch(now);
    }

    /** The inline call.completed delivery was put back to pending by a redelivery. */
    synchronized void webhookPending(Instant now) {
        webhookStatus = "pending";
        touch(now);
    }

    synchronized ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("id", id.toString());
        json.put("agent_id", agentId == null ? null : agentId.toString());
        json.put("to_number", toNumber);
        json.put("from_number", fromNumber);
        json.put("status", status);
        json.put("direction", direction);
        json.put("persona", persona);
        json.put("instructions", instructions);
        json.put("prompt", prompt);
        json.set("context", copy(context));
        json.set("returns", copy(returns));
        json.set("result", copy(result));
        json.put("result_status", resultStatus);
        json.put("result_error", resultError);
        json.put("language", language);
        json.put("webhook_url", webhookUrl);
        json.put("webhook_status", webhookStatus);
        json.put("webhook_error", webhookError);
        json.put("created_at", text(createdAt));
        json.put("started_at", text(startedAt));
        json.put("answered_at", text(answeredAt));
        json.put("ended_at", text(endedAt));
        json.put("duration_seconds", durationSeconds);
        json.put("billed_duration_seconds", billedDurationSeconds);
        json.put("billing_amount_milli_cents", billingAmountMilliCents);
        json.put("reservation_status", reservationStatus);
        json.put("error_code", errorCode);
        json.put("error_message", errorMessage);
        json.put("hangup_cause", hangupCause);
        json.set("metadata", copy(metadata));
        json.put("updated_at", text(updatedAt));
        json.put("answered_by", answeredBy);
        return json;
    }

    private static JsonNode copy(JsonNode node) {
        return node == null ? JsonNodeFactory.instance.nullNode() : node.deepCopy();
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
