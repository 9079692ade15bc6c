package io.callingboxgateway.subscriptions.delivery;

import io.callingboxgateway.events.EventFeed;
import io.callingboxgateway.events.EventPage;
import io.callingboxgateway.subscriptions.SubscriptionConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.random.RandomGenerator;
import org.hibernate.query.NativeQuery;
import org.jboss.logging.Logger;

/**
 * The database side of a replay (V70), as {@link DeliveryLedger} is of live delivery: each read and
 * record in its own short transaction, every write guarded by the claim (owner, version, lease), and
 * none of them touching {@code position}, the live line.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.REQUIRES_NEW)
class ReplayLedger {

    private static final Logger LOG = Logger.getLogger(ReplayLedger.class);

    /** A replay waiting on a claimed subscription; {@code since} and {@code until} null when open. */
    record Window(long after, long through, Instant since, Instant until) {}

    private final EntityManager em;
    private final EventFeed feed;
    private final SubscriptionFilters filters;
    private final SubscriptionConfig config;
    private final RetrySchedule retries;

    ReplayLedger(EntityManager em, EventFeed feed, SubscriptionFilters filters, SubscriptionConfig config) {
        this.em = em;
        this.feed = feed;
        this.filters = filters;
        this.config = config;
        this.retries = new RetrySchedule(
                config.backoffBase(), config.backoffMax(), config.retryAfterMax(), RandomGenerator.getDefault());
    }

    /** The replay waiting on the claimed subscription, or null (none, or the claim was lost). */
    public Window window(Claim claim) {
        List<?> rows = held(claim, "select replay_after, replay_through, replay_since, replay_until from subscription")
                .getResultList();
        if (rows.isEmpty()) {
            return null;
        }
        Object[] row = (Object[]) rows.get(0);
        return new Window(
                ((Number) row[0]).longValue(), ((Number) row[1]).longValue(), instant(row[2]), instant(row[3]));
    }

    /** The events of the window after {@code position} the subscriber wants, oldest first. */
    public EventPage next(Claim claim, Window window, long position) {
        return feed.page(
                position,
                window.through(),
                filters.of(claim).within(window.since(), window.until()),
                config.batchSize());
    }

    /** Records a replayed event and renews the lease; false when the claim was lost. */
    public boolean replayed(Claim claim, long eventId) {
        return updateHeld(claim, """
                        replay_after = :eventId, replay_attempts = 0,
                        lease_until = now() + :leaseMs * interval '1 millisecond'""")
                        .setParameter("eventId", eventId)
                        .setParameter("leaseMs", config.lease().toMillis())
                        .executeUpdate()
                == 1;
    }

    /** The whole window was replayed: nothing waits any more. */
    public boolean finished(Claim claim) {
        return updateHeld(claim, NO_REPLAY).executeUpdate() == 1;
    }

    /**
     * Records a failed replay attempt and releases the claim: tried again after the usual backoff, and
     * given up after {@code max-attempts} on one event. A replay never dead-letters, never counts
     * toward disabling, and never moves the live line.
     */
    public void failed(Claim claim, long eventId, AttemptResult result) {
        List<?> rows = held(claim, "select replay_attempts from subscription").getResultList();
        if (rows.isEmpty()) {
            return;
        }
        int attempts = ((Number) rows.get(0)).intValue() + 1;
        if (attempts >= config.maxAttempts()) {
            LOG.warnf(
                    "Replay to subscription %s given up at event %d after %d attempts",
                    claim.subscriptionId(), eventId, attempts);
            updateHeld(claim, NO_REPLAY + ", last_error = :error")
                    .setParameter(
                            "error",
                            "replay given up at event %d after %d attempts: %s"
                                    .formatted(eventId, attempts, result.error()))
                    .executeUpdate();
            return;
        }
        updateHeld(claim, """
                        replay_attempts = :attempts, last_error = :error,
                        last_response_status = coalesce(:status, last_response_status),
                        next_attempt_at = now() + :delayMs * interval '1 millisecond',
                        lease_owner = null, lease_until = null""")
                .setParameter("attempts", attempts)
                .setParameter("error", "replay: " + result.error())
                .setParameter("status", result.status(), Integer.class)
                .setParameter(
                        "delayMs", retries.delay(attempts, result.retryAfter()).toMillis())
                .executeUpdate();
    }

    private static final String NO_REPLAY = """
            replay_after = null, replay_through = null, replay_since = null, replay_until = null,
            replay_attempts = 0""";

    /** A read of the claimed row that finds it only while the claim is held and a replay waits. */
    private NativeQuery<?> held(Claim claim, String select) {
        return guarded(
                select + " where id = :id and lease_owner = :owner and version = :version"
                        + " and lease_until >= now() and replay_through is not null",
                claim);
    }

    private NativeQuery<?> updateHeld(Claim claim, String assignments) {
        return guarded(
                "update subscription set " + assignments
                        + " where id = :id and lease_owner = :owner and version = :version and lease_until >= now()"
                        + " and replay_through is not null",
                claim);
    }

    private NativeQuery<?> guarded(String sql, Claim claim) {
        return em.createNativeQuery(sql)
                .unwrap(NativeQuery.class)
                .setParameter("id", claim.subscriptionId())
                .setParameter("owner", claim.owner())
                .setParameter("version", claim.version());
    }

    /** What a native query hands back for a timestamptz depends on the driver and dialect. */
    private static Instant instant(Object value) {
        if (value == null) return null;
        if (value instanceof Instant i) return i;
        if (value instanceof OffsetDateTime o) return o.toInstant();
        if (value instanceof java.time.ZonedDateTime z) return z.toInstant();
        if (value instanceof java.sql.Timestamp t) return t.toInstant();
        throw new IllegalArgumentException("not a timestamp: " + value);
    }
}
