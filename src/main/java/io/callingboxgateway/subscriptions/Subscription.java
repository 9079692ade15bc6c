package io.callingboxgateway.subscriptions;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.hibernate.annotations.DynamicUpdate;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * A subscriber and its delivery state (see V30__subscription.sql). The API edits it through this
 * entity; delivery changes it with guarded statements in {@code DeliveryLedger}, which is why
 * updates here write only the columns that changed.
 */
@Entity
@Table(name = "subscription")
@DynamicUpdate
public class Subscription extends PanacheEntityBase {

    public static final String ALL_TYPES = "*";

    @Id
    public UUID id;

    public String url;

    @JdbcTypeCode(SqlTypes.ARRAY)
    public List<String> eventTypes;

    public String description;
    public boolean enabled;

    /** Conditions on the call after each event, keyed as /events takes them ({@code SubscriptionFilter}). */
    @JdbcTypeCode(SqlTypes.JSON)
    public JsonNode filter;

    /** A waiting replay (V70): null {@code replayThrough} when none; never moves {@link #position}. */
    public Long replayAfter;

    public Long replayThrough;
    public Instant replaySince;
    public Instant replayUntil;
    public int replayAttempts;

    /** Whether pushes carry personal data unmasked (chosen at creation by a {@code pii:read} holder). */
    public boolean includePersonalData;

    /** How pushes are written: an {@code EventFormat} name (V69), {@code gateway} unless chosen. */
    public String format;

    /**
     * The signing secret as stored before encryption at rest (V55): the gateway encrypts it at
     * startup and empties this column. Never logged, never shown.
     */
    @Column(name = "signing_secret")
    public String plainSigningSecret;

    /** The signing secret, sealed by {@code SigningSecrets}; shown only in the answer that issued it. */
    public byte[] signingSecretEncrypted;

    /** The secret the last rotation replaced, sealed; pushes carry its signature too until it expires. */
    public byte[] previousSecretEncrypted;

    public Instant previousSecretExpiresAt;

    public long position;
    public int attempts;
    public Instant nextAttemptAt;
    public String leaseOwner;
    public Instant leaseUntil;
    public int consecutiveFailures;
    public int consecutiveDeadLetters;
    public String lastError;
    public Integer lastResponseStatus;
    public String disabledReason;
    public Instant disabledAt;
    public Instant createdAt;
    public Instant updatedAt;

    @Version
    public long version;

    public boolean wantsAllTypes() {
        return eventTypes.contains(ALL_TYPES);
    }

    @Override
    public String toString() {
        return "Subscription[" + id + " " + url + "]";
    }
}
