package io.callingboxgateway.events;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * Deletes events and decisions older than {@code gateway.events.retention}, in small batches each in
 * its own transaction, oldest first. New events are inserted at the other end of the log, so the
 * two never wait on each other. The highest deleted id is recorded: the feed answers 410 to a cursor
 * below it, since what followed that cursor is gone.
 */
// Created at start so its metrics are on /q/metrics before first use
@Startup
@ApplicationScoped
public class EventRetention {

    private static final Logger LOG = Logger.getLogger(EventRetention.class);

    private final EntityManager em;
    private final EventsConfig config;
    private final Counter deleted;

    EventRetention(EntityManager em, EventsConfig config, MeterRegistry metrics) {
        this.em = em;
        this.config = config;
        this.deleted = metrics.counter("gateway.events.retention.deleted");
    }

    @Scheduled(
            every = "${gateway.events.retention-every:10m}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        purge(Instant.now());
    }

    /** @return the number of events deleted */
    public long purge(Instant now) {
        Instant cutoff = now.minus(config.retention());
        long floor = QuarkusTransaction.requiringNew().call(() -> newestBefore(cutoff));
        long total = 0;
        int batch;
        do {
            batch = QuarkusTransaction.requiringNew().call(() -> deleteBatch(floor));
            total += batch;
        } while (batch > 0);
        int decisions;
        do {
            decisions = QuarkusTransaction.requiringNew().call(() -> deleteDecisions(cutoff));
        } while (decisions > 0);
        if (total > 0) {
            LOG.infof("Retention deleted %d events older than %s", total, cutoff);
        }
        return total;
    }

    private long newestBefore(Instant cutoff) {
        Object max = em.createNativeQuery("select max(id) from call_event where occurred_at < :cutoff")
                .setParameter("cutoff", cutoff)
                .getSingleResult();
        return max == null ? 0 : ((Number) max).longValue();
    }

    private int deleteBatch(long floor) {
        long from = ((Number) em.createNativeQuery("select deleted_through from event_retention for update")
                        .getSingleResult())
                .longValue();
        long to = Math.min(floor, from + config.retentionBatchSize());
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

    private int deleteDecisions(Instant cutoff) {
        return em.createNativeQuery("""
                        delete from call_decision where id in (
                            select id from call_decision where decided_at < :cutoff order by id limit :batch)
                        """)
                .setParameter("cutoff", cutoff)
                .setParameter("batch", config.retentionBatchSize())
                .executeUpdate();
    }
}
