package io.callingboxgateway.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import io.callingboxgateway.model.CallSnapshot;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Test data: a CallingBox call object built field by field. Fields are open so a test can say
 * {@code from(queued).with(c -> { c.status = "ringing"; c.startedAt = t1; })}.
 */
final class CallSnapshotBuilder {

    UUID id;
    UUID agentId;
    String toNumber;
    String fromNumber;
    String status;
    String direction;
    String answeredBy;
    String persona;
    String instructions;
    String prompt;
    JsonNode context;
    JsonNode returns;
    JsonNode result;
    String resultStatus;
    String resultError;
    String language;
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
    String reservationStatus;
    String errorCode;
    String errorMessage;
    String hangupCause;
    JsonNode metadata;
    Instant updatedAt;

    /** A freshly dispatched outbound call, queued, with the given upstream created_at and updated_at. */
    static CallSnapshotBuilder queued(UUID id, Instant at) {
        CallSnapshotBuilder b = new CallSnapshotBuilder();
        b.id = id;
        b.agentId = UUID.fromString("00000000-0000-4000-8000-00000000a9e7");
        b.toNumber = "+15550100001";
        b.fromNumber = "+15550100002";
        b.status = "queued";
        b.direction = "outbound";
        b.persona = "Front desk";
        b.instructions = "Confirm tomorrow's appointment";
        b.prompt = "You are the front desk. Confirm tomorrow's appointment.";
        b.resultStatus = "pending";
        b.language = "en";
        b.webhookUrl = "https://consumer.example/hooks/callingbox";
        b.webhookStatus = "pending";
        b.createdAt = at;
        b.reservationStatus = "reserved";
        b.updatedAt = at;
        return b;
    }

    static CallSnapshotBuilder from(CallSnapshot s) {
        CallSnapshotBuilder b = new CallSnapshotBuilder();
        b.id = s.id();
        b.agentId = s.agentId();
        b.toNumber = s.toNumber();
        b.fromNumber = s.fromNumber();
        b.status = s.status();
        b.direction = s.direction();
        b.answeredBy = s.answeredBy();
        b.persona = s.persona();
        b.instructions = s.instructions();
        b.prompt = s.prompt();
        b.context = s.context();
        b.returns = s.returns();
        b.result = s.result();
        b.resultStatus = s.resultStatus();
        b.resultError = s.resultError();
        b.language = s.language();
        b.webhookUrl = s.webhookUrl();
        b.webhookStatus = s.webhookStatus();
        b.webhookError = s.webhookError();
        b.createdAt = s.createdAt();
        b.startedAt = s.startedAt();
        b.answeredAt = s.answeredAt();
        b.endedAt = s.endedAt();
        b.durationSeconds = s.durationSeconds();
        b.billedDurationSeconds = s.billedDurationSeconds();
        b.billingAmountMilliCents = s.billingAmountMilliCents();
        b.reservationStatus = s.reservationStatus();
        b.errorCode = s.errorCode();
        b.errorMessage = s.errorMessage();
        b.hangupCause = s.hangupCause();
        b.metadata = s.metadata();
        b.updatedAt = s.updatedAt();
        return b;
    }

    CallSnapshotBuilder with(Consumer<CallSnapshotBuilder> change) {
        change.accept(this);
        return this;
    }

    CallSnapshot build() {
        return new CallSnapshot(
                id,
                agentId,
                toNumber,
                fromNumber,
                status,
                direction,
                answeredBy,
                persona,
                instructions,
                prompt,
                context,
                returns,
                result,
                resultStatus,
                resultError,
                language,
                webhookUrl,
                webhookStatus,
                webhookError,
                createdAt,
                startedAt,
                answeredAt,
                endedAt,
                durationSeconds,
                billedDurationSeconds,
                billingAmountMilliCents,
                reservationStatus,
                errorCode,
                errorMessage,
                hangupCause,
                metadata,
                updatedAt,
                null);
    }

    /** Shorthand for {@code from(s).with(change).build()}. */
    static CallSnapshot next(CallSnapshot s, Consumer<CallSnapshotBuilder> change) {
        return from(s).with(change).build();
    }
}
