package io.callingboxgateway.upstream.poll;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The poller's gauges and timers. Gauges read values refreshed by each poll attempt (on every replica,
 * leader or not), never the database at scrape time.
 */
@ApplicationScoped
public class PollerMetrics {

    private final MeterRegistry registry;
    private final EntityManager em;
    private final PollerConfig config;
    private final AtomicReference<Instant> lastSuccess = new AtomicReference<>();
    private final AtomicLong stuck = new AtomicLong();

    PollerMetrics(MeterRegistry registry, EntityManager em, PollerConfig config) {
        this.registry = registry;
        this.em = em;
        this.config = config;
        Gauge.builder("callingbox.poll.last.success.age", this, PollerMetrics::secondsSinceLastSuccess)
                .description("Seconds since any replica last completed a poll; NaN before the first")
                .baseUnit("seconds")
                .register(registry);
        Gauge.builder("callingbox.calls.stuck", stuck, AtomicLong::get)
                .description("Calls not yet terminal longer than callingbox.stuck-after after creation")
                .register(registry);
    }

    public Timer pollTimer(String job) {
        return Timer.builder("callingbox.poll.duration")
                .description("Time one poll, or one of its jobs, took")
                .tag("job", job)
                .register(registry);
    }

    void lastSuccess(Instant at) {
        if (at != null) {
            lastSuccess.accumulateAndGet(at, (a, b) -> a == null || b.isAfter(a) ? b : a);
        }
    }

    public Instant lastSuccess() {
        return lastSuccess.get();
    }

    double secondsSinceLastSuccess() {
        Instant at = lastSuccess.get();
        return at == null ? Double.NaN : Duration.between(at, Instant.now()).toMillis() / 1000.0;
    }

    /** Recounts the stuck calls: one index range scan of the unsettled calls. */
    @Transactional
    public long refreshStuck(Instant now) {
        long count = ((Number) em.createNativeQuery("select count(*) from call c where " + RefreshSchedule.UNSETTLED
                                + " and c.status not in ('completed', 'no_answer', 'busy', 'canceled', 'failed')"
                                + " and c.created_at < :cutoff")
                        .setParameter("cutoff", now.minus(config.stuckAfter()))
                        .getSingleResult())
                .longValue();
        stuck.set(count);
        return count;
    }
}
