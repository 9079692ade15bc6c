package io.callingboxgateway.events;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Deletes events and decisions older than {@code gateway.events.retention}, in small batches each in
 * its own transaction, oldest first. New events are inserted at the other end of the log, so the
 * two never wait on each other. The highest deleted id is recorded: the feed answers 410 to a cursor
 * below it, since what followed that cursor is gone.
 *
 * <p>Age alone does not decide: an event an enabled subscription has not yet handled (delivered,
 * dead-lettered or passed over), or that a dead letter names, is kept with everything after it, so no
 * subscriber silently misses an event and every dead letter can be replayed. Ages are judged by the
 * database clock, so replicas with skewed clocks agree on what is old.
 */
// Created at start so its metrics are on /q/metrics before first use
@Startup
@ApplicationScoped
public class EventRetention {

    private static final Logger LOG = Logger.getLogger(EventRetention.class);

    private final EntityManager em;
    private final EventsConfig config;
    private final Counter deleted;
    private final AtomicLong heldForSubscriptions = new AtomicLong();
    private final AtomicLong heldForDeadLetters = new AtomicLong();

    EventRetention(EntityManager em, EventsConfig config, MeterRegistry metrics) {
        this.em = em;
        this.config = config;
        this.deleted = metrics.counter("gateway.events.retention.deleted");
        // Events past the age limit that the last run kept, by what needed them.
        metrics.gauge(
                "gateway.events.retention.held",
                Tags.of("reason", "subscription"),
                heldForSubscriptions,
                AtomicLong::doubleValue);
        metrics.gauge(
                "gateway.events.retention.held",
                Tags.of("reason", "dead_letter"),
                heldForDeadLetters,
                AtomicLong::doubleValue);
    }

    @Scheduled(
            every = "${gateway.events.retention-every:10m}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        purge();
    }

    /** How far retention may delete, and what held it back from the age limit. */
    public record Floor(long aged, long through, long heldForSubscriptions, long heldForDeadLetters) {}

    /** @return the number of events deleted */
    public long purge() {
        Floor floor = QuarkusTransaction.requiringNew().call(this::floor);
        heldForSubscriptions.set(floor.heldForSubscriptions());
        heldForDeadLetters.set(floor.heldForDeadLetters());
        if (floor.through() < floor.aged()) {
            LOG.infof(
                    "Retention keeps events %d to %d past their age: %d for subscriptions still delivering them,"
                            + " %d for dead letters",
                    floor.through() + 1, floor.aged(), floor.heldForSubscriptions(), floor.heldForDeadLetters());
        }
        long total = 0;
        int batch;
        do {
            batch = QuarkusTransaction.requiringNew().call(() -> deleteBatch(floor.through()));
            total += batch;
        } while (batch > 0);
        int decisions;
        do {
            decisions = QuarkusTransaction.requiringNew().call(this::deleteDecisions);
        } while (decisions > 0);
        if (total > 0) {
            LOG.infof("Retention deleted %d events older than %s", total, config.retention());
        }
        return total;
    }

    /**
     * The newest event old enough to go, lowered to just below the first event an enabled subscription
     * has not handled and the first event a dead letter names.
     */
    public Floor floor() {
        Object[] row = (Object[]) em.createNativeQuery("""
                        select coalesce((select max(id) from call_event
                                         where occurred_at < now() - :retentionMs * interval '1 millisecond'), 0),
                               (select min(position) from subscription where enabled),
                               (select min(event_id) - 1 from dead_letter)
                        """)
                .setParameter("retentionMs", config.retention().toMillis())
                .getSingleResult();
        long aged = ((Number) row[0]).longValue();
        long subscribed = row[1] == null ? Long.MAX_VALUE : ((Number) row[1]).longValue();
        long deadLettered = row[2] == null ? Long.MAX_VALUE : ((Number) row[2]).longValue();
        long through = Math.min(aged, Math.min(subscribed, deadLettered));
        return new Floor(
                aged,
                through,
                Math.max(0, aged - Math.min(aged, subscribed)),
                Math.max(0, aged - Math.min(aged, deadLettered)));
    }

    private int deleteBatch(long floor) {
        long from = ((Number) em.createNativeQuery("select deleted_through from event_retention for update")
                        .getSingleResult())
                .longValue();
        // A subscription replayed since the floor was read may now stand lower: never delete past it.
        Object lowest = em.createNativeQuery("select min(position) from subscription where enabled")
                .getSingleResult();
        long limit = lowest == null ? floor : Math.min(floor, ((Number) lowest).longValue());
        long to = Math.min(limit, from + config.retentionBatchSize());
        if (to <= from) {
            return 0;
        }
        int count = em.createNativeQuery("delete from call_event where id > :from and id <= :to")
                .setParameter("from", from)
                .setParameter("to", to)
                .executeUpdate();
        em.createNativeQuery("update event_retention set deleted_through = :to, last_run_at = now()")
                .setParameter("to", to)
                .executeUpdate();
        deleted.increment(count);
        return Math.max(count, 1);
    }

    private int deleteDecisions() {
        return em.createNativeQuery("""
                        delete from call_decision where id in (
                            select id from call_decision
                            where decided_at < now() - :retentionMs * interval '1 millisecond'
                            order by id limit :batch)
                        """)
                .setParameter("retentionMs", config.retention().toMillis())
                .setParameter("batch", config.retentionBatchSize())
                .executeUpdate();
    }
}
