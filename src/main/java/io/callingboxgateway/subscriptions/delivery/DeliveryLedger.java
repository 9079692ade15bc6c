package io.callingboxgateway.subscriptions.delivery;

import io.callingboxgateway.events.EventFeed;
import io.callingboxgateway.events.EventFilter;
import io.callingboxgateway.events.EventPage;
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
import java.util.random.RandomGenerator;
import org.hibernate.query.NativeQuery;
import org.jboss.logging.Logger;

/**
 * The database side of delivery: claims, reads of the log, and the record of every outcome, each in
 * its own short transaction, so no transaction is ever open while a subscriber is being called. Every
 * write after the claim is guarded by the lease owner and the claimed version, and reports whether
 * it landed; a delivery whose write did not land has lost its claim and stops.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.REQUIRES_NEW)
public class DeliveryLedger {

    private static final Logger LOG = Logger.getLogger(DeliveryLedger.class);
    private static final Duration UNREADABLE_SECRET_PAUSE = Duration.ofMinutes(1);

    private final EntityManager em;
    private final EventFeed feed;
    private final SubscriptionConfig config;
    private final RetrySchedule retries;
    private final SigningSecrets secrets;
    private final DeadLetterConfig deadLetters;

    DeliveryLedger(
            EntityManager em,
            EventFeed feed,
            SubscriptionConfig config,
            SigningSecrets secrets,
            DeadLetterConfig deadLetters) {
        this.em = em;
        this.deadLetters = deadLetters;
        this.feed = feed;
        this.config = config;
        this.secrets = secrets;
        this.retries = new RetrySchedule(
                config.backoffBase(), config.backoffMax(), config.retryAfterMax(), RandomGenerator.getDefault());
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
                              and position < (select last_id from event_sequence)
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
                List.copyOf(s.eventTypes),
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
        sql("""
                        update subscription set lease_owner = null, lease_until = null,
                            next_attempt_at = now() + :pauseMs * interval '1 millisecond', last_error = :error
                        where id = :id""")
                .setParameter("pauseMs", UNREADABLE_SECRET_PAUSE.toMillis())
                .setParameter("error", "signing secret cannot be decrypted: check GATEWAY_SECRETS_KEY")
                .setParameter("id", id)
                .executeUpdate();
    }

    /** Every event at or below this id was deleted by retention. */
    public long retentionFloor() {
        return feed.deletedThrough();
    }

    /** The events the subscriber wants after {@code position}, oldest first. */
    public EventPage next(Claim claim, long position) {
        List<String> types = claim.eventTypes().contains(Subscription.ALL_TYPES) ? List.of() : claim.eventTypes();
        return feed.page(position, new EventFilter(types, null), config.batchSize());
    }

    /** Extends a claim's lease by {@code gateway.subscription.lease}; false when the claim was lost. */
    public boolean renew(Claim claim) {
        return updateHeld(claim, "lease_until = now() + :leaseMs * interval '1 millisecond'")
                        .setParameter("leaseMs", config.lease().toMillis())
                        .executeUpdate()
                == 1;
    }

    /**
     * Records a delivered event: the line moves past it, the failure state clears, the lease renews.
     *
     * @return false when the claim was lost (then nothing was recorded)
     */
    public boolean delivered(Claim claim, long eventId, int status) {
        return updateHeld(claim, """
                        position = :eventId, attempts = 0, consecutive_failures = 0, consecutive_dead_letters = 0,
                        last_error = null, last_response_status = :status,
                        lease_until = now() + :leaseMs * interval '1 millisecond'""")
                        .setParameter("eventId", eventId)
                        .setParameter("status", status)
                        .setParameter("leaseMs", config.lease().toMillis())
                        .executeUpdate()
                == 1;
    }

    /** Moves the line past events the subscriber does not want (or that retention deleted). */
    public boolean skipped(Claim claim, long position) {
        return updateHeld(claim, "position = :position")
                        .setParameter("position", position)
                        .executeUpdate()
                == 1;
    }

    /** What a failed attempt led to. */
    public enum Failure {
        RETRY_SCHEDULED,
        DEAD_LETTERED,
        DISABLED,
        CLAIM_LOST
    }

    /**
     * Records a failed attempt on the event at the head of the line and releases the claim: either a
     * retry is scheduled, or, after the last allowed attempt, the event is dead-lettered and the line
     * moves on (and after too many dead letters in a row, the subscription is disabled).
     */
    public Failure failed(Claim claim, long eventId, AttemptResult result) {
        List<?> rows = sql("""
                        select attempts, consecutive_dead_letters from subscription
                        where id = :id and lease_owner = :owner and version = :version and lease_until >= now()
                        for update""")
                .setParameter("id", claim.subscriptionId())
                .setParameter("owner", claim.owner())
                .setParameter("version", claim.version())
                .getResultList();
        if (rows.isEmpty()) {
            return Failure.CLAIM_LOST;
        }
        Object[] row = (Object[]) rows.get(0);
        int attempts = ((Number) row[0]).intValue() + 1;
        int deadLetters = ((Number) row[1]).intValue() + 1;
        if (attempts < config.maxAttempts()) {
            scheduleRetry(claim, attempts, result);
            return Failure.RETRY_SCHEDULED;
        }
        return deadLetter(claim, eventId, attempts, deadLetters, result);
    }

    private void scheduleRetry(Claim claim, int attempts, AttemptResult result) {
        Duration delay = retries.delay(attempts, result.retryAfter());
        updateHeld(claim, """
                        attempts = :attempts, consecutive_failures = consecutive_failures + 1, last_error = :error,
                        last_response_status = coalesce(:status, last_response_status),
                        next_attempt_at = now() + :delayMs * interval '1 millisecond',
                        lease_owner = null, lease_until = null""")
                .setParameter("attempts", attempts)
                .setParameter("error", result.error())
                .setParameter("status", result.status(), Integer.class)
                .setParameter("delayMs", delay.toMillis())
                .executeUpdate();
    }

    private Failure deadLetter(Claim claim, long eventId, int attempts, int deadLetters, AttemptResult result) {
        sql("""
                        insert into dead_letter (subscription_id, event_id, attempts, last_error, last_response_status,
                            dead_at)
                        values (:id, :eventId, :attempts, :error, :status, now())
                        on conflict (subscription_id, event_id) do update set attempts = excluded.attempts,
                            last_error = excluded.last_error, last_response_status = excluded.last_response_status,
                            dead_at = excluded.dead_at""")
                .setParameter("id", claim.subscriptionId())
                .setParameter("eventId", eventId)
                .setParameter("attempts", attempts)
                .setParameter("error", result.error())
                .setParameter("status", result.status(), Integer.class)
                .executeUpdate();
        // The claim's version is current, so no edit has disabled the subscription: it is enabled.
        boolean disable = deadLetters >= config.disableAfterDeadLetters();
        String reason = disable
                ? "too_many_failures: %d consecutive events dead-lettered; last error: %s"
                        .formatted(deadLetters, result.error())
                : null;
        updateHeld(claim, """
                        position = :eventId, attempts = 0, consecutive_failures = consecutive_failures + 1,
                        consecutive_dead_letters = :deadLetters, last_error = :error,
                        last_response_status = coalesce(:status, last_response_status), next_attempt_at = now(),
                        enabled = :enabled, disabled_reason = :reason,
                        disabled_at = case when :enabled then null else now() end,
                        lease_owner = null, lease_until = null""")
                .setParameter("eventId", eventId)
                .setParameter("deadLetters", deadLetters)
                .setParameter("error", result.error())
                .setParameter("status", result.status(), Integer.class)
                .setParameter("enabled", !disable)
                .setParameter("reason", reason, String.class)
                .executeUpdate();
        if (disable) {
            LOG.warnf("Subscription %s disabled: %s", claim.subscriptionId(), reason);
            return Failure.DISABLED;
        }
        return Failure.DEAD_LETTERED;
    }

    /**
     * Gives the claim back. Guarded by the owner alone: a delivery that lost its claim to an edit must
     * still let go, or the edited subscription would wait for the lease to run out.
     */
    public void release(Claim claim) {
        em.createNativeQuery(
                        "update subscription set lease_owner = null, lease_until = null where id = :id and lease_owner = :owner")
                .setParameter("id", claim.subscriptionId())
                .setParameter("owner", claim.owner())
                .executeUpdate();
    }

    /**
     * Gives the claim back after an unexpected error, not to be claimed again before {@code notBefore},
     * so a fault that repeats (a database hiccup, a bug) cannot turn into a tight loop of re-posts.
     */
    public void releaseAfterError(Claim claim, Duration holdOff) {
        em.createNativeQuery("""
                        update subscription set lease_owner = null, lease_until = null,
                            next_attempt_at = greatest(next_attempt_at, now() + :holdOffMs * interval '1 millisecond')
                        where id = :id and lease_owner = :owner
                        """)
                .setParameter("id", claim.subscriptionId())
                .setParameter("owner", claim.owner())
                .setParameter("holdOffMs", holdOff.toMillis())
                .executeUpdate();
    }

    /**
     * Forgets dead letters older than {@code gateway.dead-letter-retention} (by the database clock), which
     * lets event retention delete their events. Event retention keeps every event a dead letter names,
     * so the second rule only clears dead letters left from before it did.
     */
    public int forgetExpiredDeadLetters() {
        return em.createNativeQuery("""
                        delete from dead_letter
                        where dead_at < now() - :retentionMs * interval '1 millisecond'
                           or event_id <= (select deleted_through from event_retention)""")
                .setParameter("retentionMs", deadLetters.deadLetterRetention().toMillis())
                .executeUpdate();
    }

    /** Where every subscription stands against the newest event, for the lag and state metrics. */
    public record Standings(long head, List<Standing> subscriptions) {}

    public record Standing(UUID id, long position, boolean enabled, int consecutiveFailures) {}

    public Standings standings() {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery(
                        "select id, position, enabled, consecutive_failures from subscription")
                .getResultList();
        return new Standings(
                feed.head(),
                rows.stream()
                        .map(row -> new Standing(
                                (UUID) row[0],
                                ((Number) row[1]).longValue(),
                                (Boolean) row[2],
                                ((Number) row[3]).intValue()))
                        .toList());
    }

    /**
     * An update that lands only while the claim is held: same owner, no edit since the claim, and the
     * lease not yet run out by the database's clock. A claimant whose lease lapsed (it stalled, or its
     * renewals failed) records nothing, even if nobody has claimed the subscription since: another
     * replica may be about to.
     */
    private NativeQuery<?> updateHeld(Claim claim, String assignments) {
        return sql("update subscription set " + assignments
                        + " where id = :id and lease_owner = :owner and version = :version and lease_until >= now()")
                .setParameter("id", claim.subscriptionId())
                .setParameter("owner", claim.owner())
                .setParameter("version", claim.version());
    }

    /** What a native query hands back for a timestamptz depends on the driver and dialect. */
    private static Instant instant(Object value) {
        if (value instanceof Instant i) return i;
        if (value instanceof java.time.OffsetDateTime o) return o.toInstant();
        if (value instanceof java.time.ZonedDateTime z) return z.toInstant();
        if (value instanceof java.sql.Timestamp t) return t.toInstant();
        throw new IllegalArgumentException("not a timestamp: " + value);
    }

    /** A native query that can bind typed nulls (an untyped null leaves PostgreSQL guessing). */
    private NativeQuery<?> sql(String sql) {
        return em.createNativeQuery(sql).unwrap(NativeQuery.class);
    }
}
