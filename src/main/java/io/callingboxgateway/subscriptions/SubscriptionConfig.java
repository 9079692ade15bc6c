package io.callingboxgateway.subscriptions;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.hibernate.validator.constraints.time.DurationMin;

/**
 * Subscriptions and their delivery. A value out of range stops startup, naming the key; the one rule
 * across keys (the lease outlasts two attempts) is checked when delivery starts.
 */
@ConfigMapping(prefix = "gateway.subscription")
public interface SubscriptionConfig {

    /**
     * Everything a subscriber URL may reach, on any port: host names, {@code *.suffix} patterns, IP
     * addresses and CIDR blocks; unset: public hosts only, on ports 80 and 443.
     */
    Optional<List<String>> allowedHosts();

    /**
     * After a secret rotation, how long pushes are signed with the replaced secret too (0: at once only
     * with the new one).
     */
    @WithDefault("24h")
    Duration secretGrace();

    /**
     * How long one delivery attempt may take, from connecting to the end of the answer (of which at most
     * 64 KiB is read), before it counts as failed.
     */
    @WithDefault("10s")
    @DurationMin(millis = 1)
    Duration attemptTimeout();

    /**
     * Attempts on one event before it is dead-lettered and the subscriber's line moves on (15 with the
     * default backoff: up to about 57 minutes of retries, half that on average).
     */
    @WithDefault("15")
    @Min(1)
    int maxAttempts();

    /** The first retry delay ceiling; each further failure doubles it (full jitter: the delay is random below it). */
    @WithDefault("1s")
    @DurationMin(millis = 1)
    Duration backoffBase();

    /** The largest retry delay ceiling. */
    @WithDefault("10m")
    @DurationMin(millis = 0)
    Duration backoffMax();

    /** The longest a subscriber's Retry-After (on 429 or 503) is honoured; longer values are cut to this. */
    @WithDefault("1h")
    @DurationMin(millis = 0)
    Duration retryAfterMax();

    /** Consecutive dead-lettered events after which a subscription is disabled, with the reason recorded. */
    @WithDefault("5")
    @Min(1)
    int disableAfterDeadLetters();

    /** How long a replica holds a claimed subscription without renewing; must exceed twice the attempt timeout. */
    @WithDefault("60s")
    @DurationMin(millis = 1)
    Duration lease();

    /** How often each replica looks for due subscriptions (new events on this replica wake it at once). */
    @WithDefault("250ms")
    @DurationMin(millis = 1)
    Duration pollInterval();

    /**
     * How many events a delivery reads from the log at once: it posts them back to back, one request
     * each, in order, and records them in one transaction (a crash mid-run posts them again).
     */
    @WithDefault("100")
    @Min(1)
    int batchSize();

    /** How many subscriptions one replica delivers to at once. */
    @WithDefault("8")
    @Min(1)
    int concurrency();
}
