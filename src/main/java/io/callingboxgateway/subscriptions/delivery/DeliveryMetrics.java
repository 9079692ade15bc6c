package io.callingboxgateway.subscriptions.delivery;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Delivery metrics: attempts and events by outcome, and, refreshed from the database, each
 * subscriber's lag (newest event minus its position) and how many subscriptions are in each state.
 * Every replica reports the same lag, read from the shared table; aggregate it with max, not sum.
 */
@ApplicationScoped
public class DeliveryMetrics {

    private final MeterRegistry registry;
    private final Map<UUID, Long> lags = new ConcurrentHashMap<>();
    private final Map<UUID, Gauge> lagGauges = new ConcurrentHashMap<>();
    private final Map<String, Long> states = new ConcurrentHashMap<>();

    DeliveryMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (String state : List.of("active", "retrying", "disabled")) {
            states.put(state, 0L);
            Gauge.builder("gateway.subscriptions", states, s -> s.getOrDefault(state, 0L))
                    .description("Subscriptions by delivery state")
                    .tag("state", state)
                    .register(registry);
        }
    }

    /**
     * Attempts by outcome (delivered; failed, to be retried; dead_lettered, the last attempt on an
     * event) and events passed over (skipped: a type the subscriber does not want; expired: deleted by
     * retention before it could be delivered).
     */
    void count(String outcome, long events) {
        if (events > 0) {
            registry.counter("gateway.subscriptions.deliveries", "outcome", outcome)
                    .increment(events);
        }
    }

    void refresh(DeliveryStandings.Standings all) {
        long head = all.head();
        List<DeliveryStandings.Standing> standings = all.subscriptions();
        Set<UUID> present =
                standings.stream().map(DeliveryStandings.Standing::id).collect(Collectors.toSet());
        lagGauges.keySet().stream().filter(id -> !present.contains(id)).toList().forEach(id -> {
            registry.remove(lagGauges.remove(id));
            lags.remove(id);
        });
        for (DeliveryStandings.Standing s : standings) {
            lags.put(s.id(), Math.max(0, head - s.position()));
            lagGauges.computeIfAbsent(
                    s.id(),
                    id -> Gauge.builder("gateway.subscriptions.lag", lags, l -> l.getOrDefault(id, 0L))
                            .description("Events committed after the subscriber's position")
                            .tag("subscription", id.toString())
                            .register(registry));
        }
        states.put("disabled", standings.stream().filter(s -> !s.enabled()).count());
        states.put(
                "retrying",
                standings.stream()
                        .filter(s -> s.enabled() && s.consecutiveFailures() > 0)
                        .count());
        states.put(
                "active",
                standings.stream()
                        .filter(s -> s.enabled() && s.consecutiveFailures() == 0)
                        .count());
    }
}
