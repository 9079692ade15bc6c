package io.callingboxgateway.subscriptions;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A subscription as the API shows it. {@code signing_secret} is present only in the response that
 * created it.
 *
 * @param filter the conditions on the call, keyed as {@code GET /events} takes them; {@code {}}: none
 * @param replay the replay waiting or running beside the live position, or null
 * @param position the id of the last event handled (delivered, dead-lettered, or not wanted)
 * @param lag events committed after {@code position}
 * @param consecutiveFailures failed attempts since the last successful delivery
 * @param nextAttemptAt when a waiting retry is due; null when no retry is waiting
 * @param lastError the last failure, cleared by a successful delivery
 * @param lastResponseStatus the HTTP status of the last attempt that got a response
 */
public record SubscriptionView(
        UUID id,
        String url,
        List<String> eventTypes,
        JsonNode filter,
        String description,
        boolean enabled,
        boolean includePersonalData,

        @Schema(description = SubscriptionFormat.DESCRIPTION)
        String format,

        Instant createdAt,
        Instant updatedAt,
        long position,
        long lag,
        String disabledReason,
        Instant disabledAt,
        int consecutiveFailures,
        Instant nextAttemptAt,
        String lastError,
        Integer lastResponseStatus,
        ReplayView replay,
        @JsonInclude(JsonInclude.Include.NON_NULL) String signingSecret) {

    static SubscriptionView of(Subscription s, long head, Instant now) {
        return of(s, head, now, null);
    }

    static SubscriptionView withSecret(Subscription s, long head, Instant now, String secret) {
        return of(s, head, now, secret);
    }

    private static SubscriptionView of(Subscription s, long head, Instant now, String secret) {
        boolean retryWaiting = s.enabled && s.attempts > 0 && s.nextAttemptAt.isAfter(now);
        return new SubscriptionView(
                s.id,
                s.url,
                List.copyOf(s.eventTypes),
                s.filter == null ? SubscriptionFilter.stored(null).toJson() : s.filter,
                s.description,
                s.enabled,
                s.includePersonalData,
                s.format,
                s.createdAt,
                s.updatedAt,
                s.position,
                Math.max(0, head - s.position),
                s.disabledReason,
                s.disabledAt,
                s.consecutiveFailures,
                retryWaiting ? s.nextAttemptAt : null,
                s.lastError,
                s.lastResponseStatus,
                ReplayView.of(s),
                secret);
    }

    @Override
    public String toString() {
        return "SubscriptionView[" + id + " " + url + "]";
    }
}
