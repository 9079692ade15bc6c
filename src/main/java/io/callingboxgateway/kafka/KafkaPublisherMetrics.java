package io.callingboxgateway.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The publisher's metrics, tagged with the topic. The lag gauges read values the publishing loop keeps
 * current on every replica (the lease holder after each round, the others at each idle tick), never the
 * database at scrape time.
 */
@ApplicationScoped
public class KafkaPublisherMetrics {

    private final AtomicReference<PendingEvents.Lag> lag = new AtomicReference<>(new PendingEvents.Lag(0, 0));
    private final Counter published;
    private final Counter errors;
    private final Counter skipped;

    KafkaPublisherMetrics(MeterRegistry registry, KafkaConfig config) {
        String topic = config.topic();
        Gauge.builder("gateway.kafka.lag.events", lag, l -> l.get().events())
                .description("Events in the feed the broker has not acknowledged yet")
                .tag("topic", topic)
                .register(registry);
        Gauge.builder("gateway.kafka.lag.seconds", lag, l -> l.get().seconds())
                .description(
                        "Age (by occurred_at) of the oldest event the broker has not acknowledged; 0 when caught up")
                .baseUnit("seconds")
                .tag("topic", topic)
                .register(registry);
        published = Counter.builder("gateway.kafka.published")
                .description("Events the broker acknowledged (a re-sent event counts again)")
                .tag("topic", topic)
                .register(registry);
        errors = Counter.builder("gateway.kafka.publish.errors")
                .description("Publish rounds that failed (broker unreachable, record refused, producer closed)")
                .tag("topic", topic)
                .register(registry);
        skipped = Counter.builder("gateway.kafka.skipped")
                .description("Events retention deleted before they were published")
                .tag("topic", topic)
                .register(registry);
    }

    void lag(PendingEvents.Lag now) {
        lag.set(now);
    }

    void published(long events) {
        published.increment(events);
    }

    void error() {
        errors.increment();
    }

    void skipped(long events) {
        skipped.increment(events);
    }
}
