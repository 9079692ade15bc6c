package io.callingboxgateway.subscriptions;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.validation.constraints.Size;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The body of {@code PATCH /subscriptions/{id}}: absent (or null) fields stay as they are; an empty
 * {@code description} clears it, and so does {@code {}} (or null) a {@code filter}; a new {@code format}
 * applies from the next push on. Re-enabling clears the disabled reason and the failure counters.
 */
public record SubscriptionPatch(
        @Size(max = 2048) String url,
        List<String> eventTypes,
        @Size(max = 500) String description,
        Boolean enabled,
        JsonNode filter,

        @Schema(description = SubscriptionFormat.DESCRIPTION)
        String format) {}
