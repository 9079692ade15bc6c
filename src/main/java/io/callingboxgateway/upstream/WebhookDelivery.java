package io.callingboxgateway.upstream;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One CallingBox webhook delivery record, the fields the poller uses. Fields CallingBox adds later are
 * ignored, whatever the gateway's own strictness towards its callers.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
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
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Page(List<WebhookDelivery> data) {}
}
