package io.callingboxgateway.privacy;

import io.quarkus.runtime.configuration.DurationConverter;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * GATEWAY_CALLS_RETENTION and GATEWAY_CALLS_REDACT_AFTER: a Quarkus duration, or off (also 0, disabled)
 * for no limit. A type of its own because no constraint annotation spells "a duration, or off"; a value
 * that is neither stops startup with a message naming the setting (as upstream/poll/PollInterval).
 */
public final class AgeLimit {

    private final String text;
    private final Duration limit;

    private AgeLimit(String text, Duration limit) {
        this.text = text;
        this.limit = limit;
    }

    /** Reads the setting; its message says what the setting accepts. */
    public static final class Converter implements org.eclipse.microprofile.config.spi.Converter<AgeLimit> {

        @Override
        public AgeLimit convert(String value) {
            return parse(value);
        }
    }

    static AgeLimit parse(String value) {
        String text = value == null ? "" : value.strip();
        String v = text.toLowerCase(Locale.ROOT);
        if (v.isEmpty() || v.equals("off") || v.equals("disabled")) {
            return new AgeLimit(text.isEmpty() ? "off" : text, null);
        }
        Duration d;
        try {
            d = DurationConverter.parseDuration(v);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("it must be a duration such as 90d or 720h, or off to keep calls");
        }
        return new AgeLimit(text, d == null || d.isZero() || d.isNegative() ? null : d);
    }

    /** @return empty when the limit is off */
    public Optional<Duration> duration() {
        return Optional.ofNullable(limit);
    }

    /** Calls whose last change is before this are past the limit; empty when it is off. */
    Optional<Instant> cutoff(Instant now) {
        return duration().map(now::minus);
    }

    /** As configured, e.g. "90d" or "off". */
    @Override
    public String toString() {
        return text;
    }
}
