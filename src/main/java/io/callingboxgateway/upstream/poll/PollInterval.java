package io.callingboxgateway.upstream.poll;

import io.callingboxgateway.config.DurationOrOff;
import java.time.Duration;
import java.util.Optional;

/**
 * CALLINGBOX_POLL_INTERVAL: a Quarkus duration, or 0 / off / disabled for no polling, read by
 * config/DurationOrOff through {@link Converter}, so a value that is neither stops startup with a
 * message naming the setting.
 */
public final class PollInterval {

    /** The refresh backoff's unit when polling is off (tests, or a replica that only serves). */
    static final Duration DEFAULT = Duration.ofSeconds(30);

    private final String text;
    private final Duration every;

    private PollInterval(String text, Duration every) {
        this.text = text;
        this.every = every;
    }

    /** Reads {@code callingbox.poll-interval}; its message says what the setting accepts. */
    public static final class Converter implements org.eclipse.microprofile.config.spi.Converter<PollInterval> {

        @Override
        public PollInterval convert(String value) {
            return parse(value);
        }
    }

    static PollInterval parse(String value) {
        String text = value == null ? "" : value.strip();
        Optional<Duration> every =
                DurationOrOff.parse(text, "it must be a duration such as 30s or 5m, or 0/off to disable polling");
        return new PollInterval(text, every.orElse(null));
    }

    /** @return empty when polling is off */
    Optional<Duration> every() {
        return Optional.ofNullable(every);
    }

    /** The poll interval, or {@link #DEFAULT} when polling is off. */
    Duration orDefault() {
        return every().orElse(DEFAULT);
    }

    /** As configured, e.g. "30s" or "off". */
    @Override
    public String toString() {
        return text;
    }
}
