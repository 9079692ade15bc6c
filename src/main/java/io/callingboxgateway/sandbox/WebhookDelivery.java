package io.callingboxgateway.sandbox;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Comparator;
import java.util.UUID;

/**
 * One delivery: one event to one destination, with the documented delivery record. Its id is the
 * event id the receiver sees, stable across automatic retries and manual redeliveries, and its body is
 * fixed when the event fires (each attempt only signs it afresh).
 */
final class WebhookDelivery {

    /** The order of {@code GET /v1/webhook_deliveries}: newest first, in creation order within an instant. */
    static final Comparator<WebhookDelivery> NEWEST_FIRST = Comparator.comparing((WebhookDelivery d) -> d.createdAt)
            .thenComparingLong(d -> d.sequence)
            .reversed();

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

    /** Records the 2xx that ends this round; false when a newer round or an earlier answer settled it. */
    synchronized boolean delivered(long round, int responseStatus, Instant now) {
        if (!awaits(round)) {
            return false;
        }
        attemptCount++;
        status = "delivered";
        lastResponseStatus = responseStatus;
        nextAttemptAt = null;
        if (deliveredAt == null) {
            deliveredAt = now;
        }
        updatedAt = now;
        return true;
    }

    /**
     * Records a failed attempt of this round: the delivery is exhausted after {@code maxAttempts}, else it
     * stays pending and the caller schedules its next attempt.
     *
     * @return false when a newer round or an earlier answer settled it, and nothing was recorded
     */
    synchronized boolean failed(long round, Integer responseStatus, String error, Instant now, int maxAttempts) {
        if (!awaits(round)) {
            return false;
        }
        attemptCount++;
        lastError = error;
        lastResponseStatus = responseStatus;
        updatedAt = now;
        if (attemptCount >= maxAttempts) {
            status = "exhausted";
            nextAttemptAt = null;
        }
        return true;
    }

    /** Back to pending for a manual redelivery, in a new round that no earlier attempt can settle. */
    synchronized long reopen(Instant now) {
        status = "pending";
        manualRetryCount++;
        nextAttemptAt = now;
        updatedAt = now;
        return ++round;
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
