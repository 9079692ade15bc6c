package io.callingboxgateway.upstream.poll;

import io.quarkus.runtime.configuration.DurationConverter;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * CALLINGBOX_POLL_INTERVAL: a Quarkus duration, or 0 / off / disabled for no polling. A type of its own
 * because no constraint annotation spells "a duration, or off"; the configuration reads it through
 * {@link Converter}, so a value that is neither stops startup with a message naming the setting.
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
        String v = text.toLowerCase(Locale.ROOT);
        if (v.isEmpty() || v.equals("off") || v.equals("disabled")) {
            return new PollInterval(text, null);
        }
        Duration d;
        try {
            d = DurationConverter.parseDuration(v);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("it must be a duration such as 30s or 5m, or 0/off to disable polling");
        }
        return new PollInterval(text, d == null || d.isZero() || d.isNegative() ? null : d);
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
