package io.callingboxgateway.upstream.poll;

import io.quarkus.runtime.configuration.DurationConverter;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/** CALLINGBOX_POLL_INTERVAL: a Quarkus duration, or 0 / off / disabled for no polling. */
final class PollInterval {

    /** The refresh backoff's unit when polling is off (tests, or a replica that only serves). */
    static final Duration DEFAULT = Duration.ofSeconds(30);

    private PollInterval() {}

    /** @return empty when polling is off */
    static Optional<Duration> parse(String value) {
        String v = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        if (v.isEmpty() || v.equals("off") || v.equals("disabled")) {
            return Optional.empty();
        }
        Duration d;
        try {
            d = DurationConverter.parseDuration(v);
        } catch (RuntimeException e) {
            throw new IllegalStateException(
                    "CALLINGBOX_POLL_INTERVAL must be a duration such as 30s or 5m, or 0/off to disable polling; got \""
                            + value + "\"");
        }
        return d == null || d.isZero() || d.isNegative() ? Optional.empty() : Optional.of(d);
    }

    /** The poll interval, or {@link #DEFAULT} when polling is off. */
    static Duration orDefault(String value) {
        return parse(value).orElse(DEFAULT);
    }
}
