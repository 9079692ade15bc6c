package io.callingboxgateway.subscriptions.delivery;

import io.callingboxgateway.events.EventFormat;
import io.callingboxgateway.subscriptions.Subscription;
import io.callingboxgateway.subscriptions.SubscriptionConfig;
import io.callingboxgateway.subscriptions.secrets.SecretBox;
import io.callingboxgateway.subscriptions.secrets.SigningSecrets;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Hands out delivery work: leases due subscriptions to one claimant at a time, in its own short
 * transaction. What a claimant then records is {@link DeliveryLedger}'s.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.REQUIRES_NEW)
class DeliveryClaims {

    private static final Logger LOG = Logger.getLogger(DeliveryClaims.class);
    private static final Duration UNREADABLE_SECRET_PAUSE = Duration.ofMinutes(1);

    private final EntityManager em;
    private final SubscriptionConfig config;
    private final SigningSecrets secrets;

    DeliveryClaims(EntityManager em, SubscriptionConfig config, SigningSecrets secrets) {
        this.em = em;
        this.config = config;
        this.secrets = secrets;
    }

    /**
     * Leases up to {@code limit} subscriptions that are enabled, due, not leased (or whose lease ran
     * out), and behind the newest event. SKIP LOCKED lets replicas claim at the same moment without
     * waiting on each other or taking the same row. Every lease and schedule is judged by the
     * database's clock, so replicas whose clocks disagree still never hold one subscription at once.
     */
    public List<Claim> claim(String owner, int limit) {
        return claim(owner, limit, Duration.ZERO);
    }

    /**
     * Like {@link #claim(String, int)}, but also takes work scheduled up to {@code lookAhead} from now
     * (tests reach work the running worker leaves alone this way; leases are judged as usual).
     */
    public List<Claim> claim(String owner, int limit, Duration lookAhead) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("""
                        with due as (
                            select id from subscription
                            where enabled and next_attempt_at <= now() + :aheadMs * interval '1 millisecond'
                              and (lease_until is null or lease_until < now())
                              and (position < (select last_id from event_sequence) or replay_through is not null)
                            order by next_attempt_at
                            limit :limit
                            for update skip locked)
                        update subscription s set lease_owner = :owner,
                            lease_until = now() + :leaseMs * interval '1 millisecond'
                        from due where s.id = due.id
                        returning s.id, s.lease_until, now()
                        """)
                .setParameter("aheadMs", lookAhead.toMillis())
                .setParameter("limit", limit)
                .setParameter("owner", owner)
                .setParameter("leaseMs", config.lease().toMillis())
                .getResultList();
        if (rows.isEmpty()) {
            return List.of();
        }
        List<UUID> ids = rows.stream().map(row -> (UUID) row[0]).toList();
        Instant until = instant(rows.get(0)[1]);
        Instant now = instant(rows.get(0)[2]);
        List<Subscription> claimed = Subscription.list("id in ?1", ids);
        List<Claim> claims = new ArrayList<>();
        for (Subscription s : claimed) {
            try {
                claims.add(claimOf(s, owner, until, now));
            } catch (SecretBox.Unreadable e) {
                setAsideUnreadable(s.id);
            }
        }
        return claims;
    }

    private Claim claimOf(Subscription s, String owner, Instant until, Instant now) {
        // A row written by an older replica may still hold its secret in plain text.
        String current =
                s.signingSecretEncrypted != null ? secrets.open(s.id, s.signingSecretEncrypted) : s.plainSigningSecret;
        boolean inGrace = s.previousSecretEncrypted != null
                && s.previousSecretExpiresAt != null
                && s.previousSecretExpiresAt.isAfter(now);
        return new Claim(
                s.id,
                owner,
                s.version,
                s.url,
                s.includePersonalData,
                EventFormat.named(s.format).orElse(EventFormat.GATEWAY),
                s.wantsAllTypes() ? List.of() : List.copyOf(s.eventTypes),
                current,
                inGrace ? secrets.open(s.id, s.previousSecretEncrypted) : null,
                inGrace ? s.previousSecretExpiresAt : null,
                s.position,
                until);
    }

    /**
     * A secret no key here can open (the key was changed or removed) cannot sign a push: the claim is
     * given back with the reason recorded, and tried again in a minute, without holding up the others.
     */
    private void setAsideUnreadable(UUID id) {
        LOG.warnf(
                "Subscription %s: its signing secret cannot be decrypted with the configured key (was"
                        + " GATEWAY_SECRETS_KEY changed or removed?); not delivering until it can, or the secret is"
                        + " rotated",
                id);
        em.createNativeQuery("""
                        update subscription set lease_owner = null, lease_until = null,
                            next_attempt_at = now() + :pauseMs * interval '1 millisecond', last_error = :error
                        where id = :id""")
                .setParameter("pauseMs", UNREADABLE_SECRET_PAUSE.toMillis())
                .setParameter("error", "signing secret cannot be decrypted: check GATEWAY_SECRETS_KEY")
                .setParameter("id", id)
                .executeUpdate();
    }

    /** What a native query hands back for a timestamptz depends on the driver and dialect. */
    private static Instant instant(Object value) {
        if (value instanceof Instant i) return i;
        if (value instanceof java.time.OffsetDateTime o) return o.toInstant();
        if (value instanceof java.time.ZonedDateTime z) return z.toInstant();
        if (value instanceof java.sql.Timestamp t) return t.toInstant();
        throw new IllegalArgumentException("not a timestamp: " + value);
    }
}
