package io.callingboxgateway.upstream;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** How the gateway reaches CallingBox and how its poller behaves. */
@ConfigMapping(prefix = "callingbox")
public interface CallingBoxConfig {

    /** The CallingBox API key (starts with sk_); without one the client is unusable and the poller is off. */
    Optional<String> apiKey();

    /** Base URL of the CallingBox API; the REST client reads it through quarkus.rest-client.callingbox.url. */
    @WithDefault("https://api.callingbox.io")
    String baseUrl();

    /** How often the poller runs, as a Quarkus duration (30s, 5m); 0 or off disables polling. */
    @WithDefault("30s")
    String pollInterval();

    /** How far back the first discovery on an empty store imports existing calls. */
    @WithDefault("30d")
    Duration backfillSince();

    /** How far below the last complete scan's newest call discovery keeps reading, for calls listed late. */
    @WithDefault("10m")
    Duration discoveryOverlap();

    /** How many listed calls discovery compares against the store in one query. */
    @WithDefault("1000")
    int discoveryBatch();

    /** The refresh backoff of an unchanged call never exceeds this many poll intervals. */
    @WithDefault("10")
    int refreshCapFactor();

    /** How many unsettled calls one poll re-reads at most. */
    @WithDefault("100")
    int refreshBatch();

    /** How many exhausted webhook deliveries one poll asks CallingBox to redeliver at most. */
    @WithDefault("20")
    int redeliverBatch();

    /** Only heal deliveries of this webhook endpoint id; all of the organisation's when unset. */
    Optional<String> healEndpointId();

    /** How long a poller's lease lasts without renewal before another replica may take over. */
    @WithDefault("2m")
    Duration leaseDuration();

    /** This replica's name in the poller lease; the host name plus a random suffix when unset. */
    Optional<String> replicaId();

    /** A call still not terminal this long after its creation counts as stuck in the metrics. */
    @WithDefault("1h")
    Duration stuckAfter();

    /** Time allowed for one request to CallingBox (for the call list: until the response starts). */
    @WithDefault("10s")
    Duration requestTimeout();

    /** Retries of a request that failed with a 5xx, a 429 or a timeout. */
    Retry retry();

    /** The circuit breaker that stops calling CallingBox while it keeps failing. */
    Breaker breaker();

    interface Retry {

        /** Retries after the first attempt. */
        @WithDefault("3")
        int maxRetries();

        /** Delay before the first retry; each further one doubles it, with jitter. */
        @WithDefault("500ms")
        Duration delay();

        /** Upper bound of the backoff delay between two attempts. */
        @WithDefault("10s")
        Duration maxDelay();

        /** A 429 whose Retry-After asks for a longer wait than this is not retried. */
        @WithDefault("60s")
        Duration maxRetryAfter();
    }

    interface Breaker {

        /** How many recent requests the breaker judges (its rolling window). */
        @WithDefault("10")
        int requestVolume();

        /** Share of failures in the window that opens the breaker. */
        @WithDefault("0.5")
        double failureRatio();

        /** How long the breaker stays open before letting a trial request through. */
        @WithDefault("30s")
        Duration delay();
    }
}
