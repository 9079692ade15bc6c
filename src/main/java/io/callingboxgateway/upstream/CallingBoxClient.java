package io.callingboxgateway.upstream;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.callingboxgateway.model.CallSnapshot;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.Guard;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * The one way the gateway talks to CallingBox. Every request gets the API key, a timeout, retries with
 * jittered exponential backoff on 5xx, timeouts, broken connections and 429 (waiting at least what
 * Retry-After asks), and goes through one circuit breaker for the whole upstream. Other 4xx are not
 * retried and do not count against the breaker; a 404 for one call is an answer ("absent"), decided
 * inside the guarded call so the breaker sees a success.
 */
@ApplicationScoped
public class CallingBoxClient {

    /** Name of the circuit breaker, for {@link CircuitBreakerMaintenance}. */
    public static final String BREAKER = "callingbox";

    private final CallingBoxRestClient rest;
    private final ObjectMapper json;
    private final Optional<ApiKey> key;
    private final Guard guard;
    private final CircuitBreakerMaintenance breakers;
    private final MeterRegistry metrics;
    private final Counter retries;

    CallingBoxClient(
            @RestClient CallingBoxRestClient rest,
            CallingBoxConfig config,
            CircuitBreakerMaintenance breakers,
            MeterRegistry metrics,
            ObjectMapper json) {
        this.rest = rest;
        this.json = json;
        this.key = ApiKey.from(config.apiKey());
        this.breakers = breakers;
        this.metrics = metrics;
        this.retries = metrics.counter("callingbox.upstream.retries");
        this.guard = UpstreamGuard.build(config, retries::increment);
        for (CircuitBreakerState state : CircuitBreakerState.values()) {
            String name = state.name().toLowerCase(Locale.ROOT);
            Gauge.builder("callingbox.breaker.state", this, c -> c.breakerState() == state ? 1 : 0)
                    .tag("state", name)
                    .description("1 for the current state of the CallingBox circuit breaker")
                    .register(metrics);
        }
    }

    /** Whether an API key is configured; without one every request fails with NOT_CONFIGURED. */
    public boolean configured() {
        return key.isPresent();
    }

    /** The key as it may be logged. */
    public Optional<String> maskedKey() {
        return key.map(ApiKey::masked);
    }

    public CircuitBreakerState breakerState() {
        return breakers.currentState(BREAKER);
    }

    /** {@code GET /v1/calls/{id}}: the call, or empty when CallingBox does not know it. */
    public Optional<CallSnapshot> call(UUID id) {
        return guarded(() -> {
            try {
                JsonNode received = rest.getCall(bearer(), id);
                // Bound here, not by the REST client, so the object is kept exactly as received
                return Optional.ofNullable(received == null ? null : CallSnapshot.read(json, received));
            } catch (UpstreamException e) {
                if (e.status() == 404) {
                    return Optional.<CallSnapshot>empty();
                }
                throw e;
            }
        });
    }

    /**
     * {@code GET /v1/calls/{id}/transcript}: its {@code segments} exactly as CallingBox spells them, or
     * empty when CallingBox has none (yet): a 404, or a body without segments.
     */
    public Optional<ArrayNode> transcriptSegments(UUID id) {
        return guarded(() -> {
            try {
                JsonNode received = rest.getTranscript(bearer(), id);
                JsonNode segments = received == null ? null : received.get("segments");
                return segments instanceof ArrayNode array ? Optional.of(array) : Optional.<ArrayNode>empty();
            } catch (UpstreamException e) {
                if (e.status() == 404) {
                    return Optional.<ArrayNode>empty();
                }
                throw e;
            }
        });
    }

    /**
     * {@code GET /v1/calls}, opened under the guard (the timeout covers the wait for the response to
     * start, not the reading). The caller reads it as a stream and closes it; closing before the end
     * drops the connection, so CallingBox stops sending.
     */
    public InputStream openCallList() {
        return guarded(() -> rest.listCalls(bearer()));
    }

    /** {@code GET /v1/webhook_deliveries?status=exhausted}, of one webhook endpoint or of all. */
    public List<WebhookDelivery> exhaustedDeliveries(Optional<String> endpointId, int limit) {
        return guarded(() -> {
            WebhookDelivery.Page page = rest.listDeliveries(
                    bearer(), endpointId.orElse(null), null, "exhausted", Math.min(Math.max(limit, 1), 200));
            return page == null || page.data() == null ? List.<WebhookDelivery>of() : page.data();
        });
    }

    /** {@code POST /v1/webhook_deliveries/{id}/redeliver}; false when CallingBox no longer knows it. */
    public boolean redeliver(UUID deliveryId) {
        return guarded(() -> {
            try (Response ignored = rest.redeliver(bearer(), deliveryId)) {
                return true;
            } catch (UpstreamException e) {
                if (e.status() == 404) {
                    return false;
                }
                throw e;
            }
        });
    }

    private String bearer() {
        return key.orElseThrow().bearer();
    }

    @SuppressWarnings("unchecked")
    private <T> T guarded(Callable<T> request) {
        if (key.isEmpty()) {
            throw count(new UpstreamException(
                    UpstreamException.Kind.NOT_CONFIGURED, "CALLINGBOX_API_KEY is not set", null));
        }
        try {
            return (T) guard.call(() -> attempt(request), Object.class);
        } catch (UpstreamException e) {
            throw count(e);
        } catch (CircuitBreakerOpenException e) {
            throw count(new UpstreamException(
                    UpstreamException.Kind.CIRCUIT_OPEN, "CallingBox circuit breaker is open", e));
        } catch (TimeoutException e) {
            throw count(new UpstreamException(UpstreamException.Kind.TIMEOUT, "CallingBox did not answer in time", e));
        } catch (Exception e) {
            throw count(translate(e));
        }
    }

    /** One attempt, its failures turned into {@link UpstreamException}s the retry and breaker can judge. */
    private static <T> T attempt(Callable<T> request) throws Exception {
        try {
            return request.call();
        } catch (UpstreamException e) {
            throw e;
        } catch (ProcessingException e) {
            throw translate(e);
        }
    }

    private static UpstreamException translate(Exception e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof UpstreamException upstream) {
                return upstream;
            }
            if (cause instanceof java.util.concurrent.TimeoutException
                    || cause instanceof TimeoutException
                    || cause.getClass().getSimpleName().contains("Timeout")) {
                return new UpstreamException(UpstreamException.Kind.TIMEOUT, "CallingBox did not answer in time", e);
            }
            if (cause instanceof JacksonException) {
                return new UpstreamException(
                        UpstreamException.Kind.BAD_RESPONSE, "CallingBox sent a body that could not be read", e);
            }
            if (cause instanceof IOException) {
                return new UpstreamException(
                        UpstreamException.Kind.CONNECTION, "Could not talk to CallingBox: " + cause.getMessage(), e);
            }
        }
        return new UpstreamException(UpstreamException.Kind.CONNECTION, "Could not talk to CallingBox", e);
    }

    private UpstreamException count(UpstreamException e) {
        metrics.counter("callingbox.upstream.errors", "kind", e.kind().tag()).increment();
        return e;
    }
}
