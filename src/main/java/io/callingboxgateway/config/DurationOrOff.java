package io.callingboxgateway.config;

import io.quarkus.runtime.configuration.DurationConverter;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * A setting that is a Quarkus duration or off: the one reading of CALLINGBOX_POLL_INTERVAL,
 * GATEWAY_CALLS_RETENTION and GATEWAY_CALLS_REDACT_AFTER, whose types exist because no constraint
 * annotation spells "a duration, or off".
 */
public final class DurationOrOff {

    private DurationOrOff() {}

    /**
     * @param hint what the setting accepts, the message of a value that is neither
     * @return empty for off, disabled, nothing, or a duration that is not positive
     */
    public static Optional<Duration> parse(String value, String hint) {
        String v = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        if (v.isEmpty() || v.equals("off") || v.equals("disabled")) {
            return Optional.empty();
        }
        Duration d;
        try {
            d = DurationConverter.parseDuration(v);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(hint);
        }
        return d == null || d.isZero() || d.isNegative() ? Optional.empty() : Optional.of(d);
    }
}
