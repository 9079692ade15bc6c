package io.callingboxgateway.subscriptions.delivery;

import io.callingboxgateway.events.EventFeed;
import io.callingboxgateway.events.EventPage;
import io.callingboxgateway.subscriptions.SubscriptionConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.util.List;
import java.util.random.RandomGenerator;
import org.hibernate.query.NativeQuery;
import org.jboss.logging.Logger;

/**
 * The database side of a claimed delivery (claims are {@link DeliveryClaims}'): reads of the log and
 * the record of every outcome, each in its own short transaction, so no transaction is ever open while
 * a subscriber is being called. Every write is guarded by the lease owner and the claimed version, and
 * reports whether it landed; a delivery whose write did not land has lost its claim and stops.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.REQUIRES_NEW)
class DeliveryLedger {

    private static final Logger LOG = Logger.getLogger(DeliveryLedger.class);

    private final EntityManager em;
    private final EventFeed feed;
    private final SubscriptionConfig config;
    private final RetrySchedule retries;
    private final DeadLetterConfig deadLetters;

    /** The subscription's types and call filter; a field, so the constructor stays as delivery work shapes it. */
    @Inject
    SubscriptionFilters filters;

    DeliveryLedger(EntityManager em, EventFeed feed, SubscriptionConfig config, DeadLetterConfig deadLetters) {
        this.em = em;
        this.deadLetters = deadLetters;
        this.feed = feed;
        this.config = config;
        this.retries = new RetrySchedule(
                config.backoffBase(), config.backoffMax(), config.retryAfterMax(), RandomGenerator.getDefault());
    }

    /** Every event at or below this id was deleted by retention. */
    public long retentionFloor() {
        return feed.deletedThrough();
    }

    /**
     * The events the subscriber wants after {@code position}, oldest first: its types and its filter are
     * tested in the page's query, so events it does not want are passed over like unwanted types.
     */
    public EventPage next(Claim claim, long position) {
        return feed.page(position, filters.of(claim), config.batchSize());
    }

    /** Extends a claim's lease by {@code gateway.subscription.lease}; false when the claim was lost. */
    public boolean renew(Claim claim) {
        return updateHeld(claim, "lease_until = now() + :leaseMs * interval '1 millisecond'")
                        .setParameter("leaseMs", config.lease().toMillis())
                        .executeUpdate()
                == 1;
    }

    /**
     * Records delivered events: the line moves to {@code through} (the last event delivered, or beyond
     * it past events the subscriber does not want), the failure state clears, the lease renews.
     *
     * @param status the answer to the last event delivered
     * @return false when the claim was lost (then nothing was recorded)
     */
    public boolean delivered(Claim claim, long through, int status) {
        return recordDelivered(claim, through, status);
    }

    /** A private twin, so a method of this bean can record deliveries inside its own transaction. */
    private boolean recordDelivered(Claim claim, long through, int status) {
        return updateHeld(claim, """
                        position = :through, attempts = 0, consecutive_failures = 0, consecutive_dead_letters = 0,
                        last_error = null, last_response_status = :status,
                        lease_until = now() + :leaseMs * interval '1 millisecond'""")
                        .setParameter("through", through)
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
        return failedAtHead(claim, eventId, result);
    }

    /**
     * Records a run that delivered events up to {@code deliveredThrough} and then failed on
     * {@code eventId}, in one transaction: as {@link #delivered} and then {@link #failed(Claim, long,
     * AttemptResult)}, so the failing event starts its count of attempts afresh.
     */
    public Failure failed(Claim claim, long deliveredThrough, int status, long eventId, AttemptResult result) {
        if (!recordDelivered(claim, deliveredThrough, status)) {
            return Failure.CLAIM_LOST;
        }
        return failedAtHead(claim, eventId, result);
    }

    private Failure failedAtHead(Claim claim, long eventId, AttemptResult result) {
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

    /** A native query that can bind typed nulls (an untyped null leaves PostgreSQL guessing). */
    private NativeQuery<?> sql(String sql) {
        return em.createNativeQuery(sql).unwrap(NativeQuery.class);
    }
}
