package io.callingboxgateway.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import io.callingboxgateway.model.CallSnapshot;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.annotations.Mutability;
import org.hibernate.type.SqlTypes;
import org.hibernate.type.descriptor.java.Immutability;

/**
 * One reconciled CallingBox call: the upstream call object field for field, plus what the gateway
 * itself knows about how and when it learned of it. Enumerated fields are plain strings on purpose:
 * a status CallingBox introduces later must be stored, not rejected.
 */
@Entity
@Table(name = "call")
public class Call extends PanacheEntityBase {

    @Id
    public UUID id;

    public UUID agentId;
    public String toNumber;
    public String fromNumber;
    public String status;
    public String direction;
    public String answeredBy;
    public String persona;
    public String instructions;
    public String prompt;

    @JdbcTypeCode(SqlTypes.JSON)
    public JsonNode context;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "returns")
    public JsonNode returns;

    @JdbcTypeCode(SqlTypes.JSON)
    public JsonNode result;

    public String resultStatus;
    public String resultError;
    public String language;
    public String webhookUrl;
    public String webhookStatus;
    public String webhookError;
    public Instant createdAt;
    public Instant startedAt;
    public Instant answeredAt;
    public Instant endedAt;
    public Integer durationSeconds;
    public Integer billedDurationSeconds;
    public Long billingAmountMilliCents;
    public String reservationStatus;
    public String errorCode;
    public String errorMessage;
    public String hangupCause;

    @JdbcTypeCode(SqlTypes.JSON)
    public JsonNode metadata;

    public Instant updatedAt;

    /**
     * The call object exactly as CallingBox last sent it in a snapshot that won the merge (null for a
     * call stored before this column existed): it carries fields CallingBox added later and the text of
     * values bound as null for their shape.
     */
    // Never changed in place, only replaced: Hibernate need not deep-copy it on every load for dirty
    // checking, which would double the cost of reading it on the /calls list
    @JdbcTypeCode(SqlTypes.JSON)
    @Mutability(Immutability.class)
    public JsonNode raw;

    public Instant firstSeenAt;
    public String firstSeenVia;
    public Instant lastWebhookAt;
    public Instant lastPolledAt;
    public Instant resultUpdatedAt;
    public Instant webhookUpdatedAt;
    public int lastEventSeq;

    @Version
    public long version;

    public CallSnapshot snapshot() {
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
                raw);
    }

    /** Takes every upstream field from the snapshot; the gateway's own columns are left alone. */
    public void copyFrom(CallSnapshot s) {
        id = s.id();
        agentId = s.agentId();
        toNumber = s.toNumber();
        fromNumber = s.fromNumber();
        status = s.status();
        direction = s.direction();
        answeredBy = s.answeredBy();
        persona = s.persona();
        instructions = s.instructions();
        prompt = s.prompt();
        context = s.context();
        returns = s.returns();
        result = s.result();
        resultStatus = s.resultStatus();
        resultError = s.resultError();
        language = s.language();
        webhookUrl = s.webhookUrl();
        webhookStatus = s.webhookStatus();
        webhookError = s.webhookError();
        createdAt = s.createdAt();
        startedAt = s.startedAt();
        answeredAt = s.answeredAt();
        endedAt = s.endedAt();
        durationSeconds = s.durationSeconds();
        billedDurationSeconds = s.billedDurationSeconds();
        billingAmountMilliCents = s.billingAmountMilliCents();
        reservationStatus = s.reservationStatus();
        errorCode = s.errorCode();
        errorMessage = s.errorMessage();
        hangupCause = s.hangupCause();
        metadata = s.metadata();
        updatedAt = s.updatedAt();
        raw = s.raw();
    }
}
