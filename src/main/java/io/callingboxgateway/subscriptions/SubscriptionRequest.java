package io.callingboxgateway.subscriptions;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The body of {@code POST /subscriptions}.
 *
 * @param eventTypes call event types to push; absent or {@code ["*"]}: all
 * @param enabled absent: true
 * @param filter conditions on the call after each event, keyed as the query parameters of {@code GET
 *     /events} ({@code {"status": ["completed"], "metadata.team": "billing"}}); absent: every call
 * @param includePersonalData whether pushes carry phone numbers and conversation content unmasked;
 *     true needs a credential with {@code pii:read}; absent: false
 * @param format how pushes are written: {@code gateway} (absent: the gateway's own event JSON) or
 *     {@code cloudevents} (one CloudEvent per request, structured mode)
 */
public record SubscriptionRequest(
        @NotBlank @Size(max = 2048) String url,
        List<String> eventTypes,
        @Size(max = 500) String description,
        Boolean enabled,
        Boolean includePersonalData,
        JsonNode filter,

        @Schema(description = SubscriptionFormat.DESCRIPTION)
        String format) {

    boolean wantsPersonalData() {
        return Boolean.TRUE.equals(includePersonalData);
    }
}
