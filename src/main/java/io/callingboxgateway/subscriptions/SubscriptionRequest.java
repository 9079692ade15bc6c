package io.callingboxgateway.subscriptions;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * The body of {@code POST /subscriptions}.
 *
 * @param eventTypes call event types to push; absent or {@code ["*"]}: all
 * @param enabled absent: true
 * @param includePersonalData whether pushes carry phone numbers and conversation content unmasked;
 *     true needs a credential with {@code pii:read}; absent: false
 */
public record SubscriptionRequest(
        @NotBlank @Size(max = 2048) String url,
        List<String> eventTypes,
        @Size(max = 500) String description,
        Boolean enabled,
        Boolean includePersonalData) {

    boolean wantsPersonalData() {
        return Boolean.TRUE.equals(includePersonalData);
    }
}
