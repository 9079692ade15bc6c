package io.callingboxgateway.calls;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.UUID;

/**
 * A reconciled call as internal consumers see it: the CallingBox call object, spelled exactly as the
 * CallingBox docs spell it (snake_case on the wire), plus the gateway's own {@code reconciliation}
 * facts.
 */
public record CallView(
        UUID id,
        UUID agentId,
        String toNumber,
        String fromNumber,
        String status,
        String direction,
        String answeredBy,
        String persona,
        String instructions,
        String prompt,
        JsonNode context,
        JsonNode returns,
        JsonNode result,
        String resultStatus,
        String resultError,
        String language,
        String webhookUrl,
        String webhookStatus,
        String webhookError,
        Instant createdAt,
        Instant startedAt,
        Instant answeredAt,
        Instant endedAt,
        Integer durationSeconds,
        Integer billedDurationSeconds,
        Long billingAmountMilliCents,
        String reservationStatus,
        String errorCode,
        String errorMessage,
        String hangupCause,
        JsonNode metadata,
        Instant updatedAt,
        Reconciliation reconciliation) {

    /** What the gateway itself knows about a call, beyond what CallingBox says. */
    public record Reconciliation(
            String firstSeenVia, Instant firstSeenAt, Instant lastWebhookAt, Instant lastPolledAt) {}

    static CallView of(Call call) {
        return new CallView(
                call.id,
                call.agentId,
                call.toNumber,
                call.fromNumber,
                call.status,
                call.direction,
                call.answeredBy,
                call.persona,
                call.instructions,
                call.prompt,
                call.context,
                call.returns,
                call.result,
                call.resultStatus,
                call.resultError,
                call.language,
                call.webhookUrl,
                call.webhookStatus,
                call.webhookError,
                call.createdAt,
                call.startedAt,
                call.answeredAt,
                call.endedAt,
                call.durationSeconds,
                call.billedDurationSeconds,
                call.billingAmountMilliCents,
                call.reservationStatus,
                call.errorCode,
                call.errorMessage,
                call.hangupCause,
                call.metadata,
                call.updatedAt,
                new Reconciliation(call.firstSeenVia, call.firstSeenAt, call.lastWebhookAt, call.lastPolledAt));
    }
}
