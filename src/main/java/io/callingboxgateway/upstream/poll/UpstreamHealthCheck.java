package io.callingboxgateway.upstream.poll;

import io.callingboxgateway.upstream.CallingBoxClient;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.health.api.HealthGroup;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

/**
 * Informational: how the gateway sees CallingBox, at /q/health/group/upstream: DOWN without an API key
 * or while the circuit breaker is not closed (open, or half-open awaiting its trial request). Deliberately neither a
 * liveness nor a readiness check: an upstream outage must never take replicas out of rotation, since
 * they must still accept webhooks and serve reads.
 */
@HealthGroup("upstream")
@ApplicationScoped
public class UpstreamHealthCheck implements HealthCheck {

    private final CallingBoxClient client;
    private final PollerMetrics metrics;
    private final PollScheduler scheduler;

    UpstreamHealthCheck(CallingBoxClient client, PollerMetrics metrics, PollScheduler scheduler) {
        this.client = client;
        this.metrics = metrics;
        this.scheduler = scheduler;
    }

    @Override
    public HealthCheckResponse call() {
        CircuitBreakerState breaker = client.breakerState();
        Instant lastSuccess = metrics.lastSuccess();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("callingbox")
                .status(client.configured() && breaker == CircuitBreakerState.CLOSED)
                .withData("configured", client.configured())
                .withData("polling", scheduler.polling())
                .withData("circuit_breaker", breaker.name().toLowerCase(java.util.Locale.ROOT))
                .withData("last_successful_poll", lastSuccess == null ? "never" : lastSuccess.toString());
        return response.build();
    }
}
