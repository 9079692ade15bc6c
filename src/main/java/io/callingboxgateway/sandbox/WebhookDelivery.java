package io.callingboxgateway.sandbox;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.UUID;

/**
 * One delivery: one event to one destination, with the documented delivery record. Its id is the
 * event id the receiver sees, stable across automatic retries and manual redeliveries, and its body is
 * fixed when the event fires (each attempt only signs it afresh).
 */
final class WebhookDelivery {

    final UUID id;
    final long sequence;
    final long epoch;
    final UUID endpointId;
    final UUID callId;
    final String eventType;
    final String url;
    final byte[] body;
    final Instant createdAt;
    /** The call whose {@code webhook_status} this delivery decides: set only for inline call.completed. */
    final SimulatedCall summarises;

    String status = "pending";
    int attemptCount;
    int manualRetryCount;
    Instant nextAttemptAt;
    String lastError;
    Integer lastResponseStatus;
    Instant deliveredAt;
    Instant updatedAt;
    /** Bumped by a redelivery, so an attempt already under way cannot also settle the new round. */
    long round;

    WebhookDelivery(
            UUID id,
            long sequence,
            long epoch,
            UUID endpointId,
            UUID callId,
            String eventType,
            String url,
            byte[] body,
            Instant createdAt,
            SimulatedCall summarises) {
        this.id = id;
        this.sequence = sequence;
        this.epoch = epoch;
        this.endpointId = endpointId;
        this.callId = callId;
        this.eventType = eventType;
        this.url = url;
        this.body = body;
        this.createdAt = createdAt;
        this.updatedAt = createdAt;
        this.summarises = summarises;
    }

    synchronized boolean awaits(long round) {
        return this.round == round && "pending".equals(status);
    }

    synchronized ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("id", id.toString());
        json.put("org_id", SandboxDefaults.ORG_ID.toString());
        json.put("endpoint_id", endpointId == null ? null : endpointId.toString());
        json.put("call_id", callId.toString());
        json.put("event_type", eventType);
        json.put("url", url);
        json.put("status", status);
        json.put("attempt_count", attemptCount);
        json.put("manual_retry_count", manualRetryCount);
        json.put("next_attempt_at", text(nextAttemptAt));
        json.put("last_error", lastError);
        json.put("last_response_status", lastResponseStatus);
        json.put("delivered_at", text(deliveredAt));
        json.put("created_at", text(createdAt));
        json.put("updated_at", text(updatedAt));
        return json;
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
