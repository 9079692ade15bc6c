package io.callingboxgateway.calls;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

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

    public Instant firstSeenAt;
    public String firstSeenVia;
    public Instant lastWebhookAt;
    public Instant lastPolledAt;

    @Version
    public long version;
}
