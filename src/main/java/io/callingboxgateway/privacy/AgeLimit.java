package io.callingboxgateway.privacy;

import io.callingboxgateway.config.DurationOrOff;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * GATEWAY_CALLS_RETENTION and GATEWAY_CALLS_REDACT_AFTER: a Quarkus duration, or off (also 0, disabled)
 * for no limit, read by config/DurationOrOff; a value that is neither stops startup with a message
 * naming the setting.
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
        Optional<Duration> limit =
                DurationOrOff.parse(text, "it must be a duration such as 90d or 720h, or off to keep calls");
        return new AgeLimit(text.isEmpty() ? "off" : text, limit.orElse(null));
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
