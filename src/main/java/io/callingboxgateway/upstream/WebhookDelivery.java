package io.callingboxgateway.upstream;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** One CallingBox webhook delivery record, the fields the poller uses. */
public record WebhookDelivery(
        UUID id,
        UUID endpointId,
        UUID callId,
        String eventType,
        String status,
        Integer attemptCount,
        Integer manualRetryCount,
        Instant createdAt) {

    /** The envelope of {@code GET /v1/webhook_deliveries}. */
    public record Page(List<WebhookDelivery> data) {}
}
