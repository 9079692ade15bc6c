package io.callingboxgateway.upstream;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import java.util.Optional;
import org.hibernate.validator.constraints.time.DurationMin;

/**
 * How the gateway reaches CallingBox: key, address, timeout, retries and breaker. The poller's settings,
 * under the same prefix, are {@code upstream/poll/PollerConfig}; the base URL's default is the one
 * written here (application.properties does not repeat it).
 */
@ConfigMapping(prefix = "callingbox")
public interface CallingBoxConfig {

    /** The CallingBox API key (starts with sk_); without one the client is unusable and the poller is off. */
    Optional<String> apiKey();

    /** Base URL of the CallingBox API; the REST client reads it through quarkus.rest-client.callingbox.url. */
    @WithDefault("https://api.callingbox.io")
    String baseUrl();

    /** Time allowed for one request to CallingBox (for the call list: until the response starts). */
    @WithDefault("10s")
    @DurationMin(millis = 1)
    Duration requestTimeout();

    /** Retries of a request that failed with a 5xx, a 429 or a timeout. */
    Retry retry();

    /** The circuit breaker that stops calling CallingBox while it keeps failing. */
    Breaker breaker();

    interface Retry {

        /** Retries after the first attempt. */
        @WithDefault("3")
        @Min(0)
        int maxRetries();

        /** Delay before the first retry; each further one doubles it, with jitter. */
        @WithDefault("500ms")
        @DurationMin(millis = 0)
        Duration delay();

        /** Upper bound of the backoff delay between two attempts. */
        @WithDefault("10s")
        @DurationMin(millis = 0)
        Duration maxDelay();

        /** A 429 whose Retry-After asks for a longer wait than this is not retried. */
        @WithDefault("60s")
        @DurationMin(millis = 0)
        Duration maxRetryAfter();
    }

    interface Breaker {

        /** How many recent requests the breaker judges (its rolling window). */
        @WithDefault("10")
        @Min(1)
        int requestVolume();

        /** Share of failures in the window that opens the breaker. */
        @WithDefault("0.5")
        @DecimalMin("0")
        @DecimalMax("1")
        double failureRatio();

        /** How long the breaker stays open before letting a trial request through. */
        @WithDefault("30s")
        @DurationMin(millis = 0)
        Duration delay();
    }
}
