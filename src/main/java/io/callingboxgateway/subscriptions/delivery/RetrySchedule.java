package io.callingboxgateway.subscriptions.delivery;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * When to try a failing subscriber again: exponential backoff with full jitter (a random delay below
 * a ceiling that doubles per failure, so replicas retrying many subscribers never synchronise), but
 * never sooner than the subscriber asked with Retry-After, within a cap.
 */
public final class RetrySchedule {

    private final Duration base;
    private final Duration max;
    private final Duration retryAfterMax;
    private final RandomGenerator random;

    public RetrySchedule(Duration base, Duration max, Duration retryAfterMax, RandomGenerator random) {
        this.base = base;
        this.max = max;
        this.retryAfterMax = retryAfterMax;
        this.random = random;
    }

    /** The ceiling of the delay after this many failed attempts on one event (from 1). */
    public Duration ceiling(int failures) {
        Duration ceiling = base;
        for (int i = 1; i < failures && ceiling.compareTo(max) < 0; i++) {
            ceiling = ceiling.multipliedBy(2);
        }
        return ceiling.compareTo(max) > 0 ? max : ceiling;
    }

    /** The delay before the next attempt. */
    public Duration delay(int failures, Optional<Duration> retryAfter) {
        Duration backoff = Duration.ofMillis(random.nextLong(ceiling(failures).toMillis() + 1));
        if (retryAfter.isEmpty()) {
            return backoff;
        }
        Duration asked = retryAfter.get().compareTo(retryAfterMax) > 0 ? retryAfterMax : retryAfter.get();
        return asked.compareTo(backoff) > 0 ? asked : backoff;
    }

    /**
     * Reads a Retry-After value: delay-seconds or an HTTP-date.
     *
     * @return empty when absent or unreadable (the backoff applies); zero for a date in the past
     */
    public static Optional<Duration> parseRetryAfter(String value, Instant now) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        String v = value.trim();
        if (v.chars().allMatch(Character::isDigit)) {
            try {
                return Optional.of(Duration.ofSeconds(Long.parseLong(v)));
            } catch (NumberFormatException e) {
                return Optional.of(Duration.ofSeconds(Long.MAX_VALUE / 1000));
            }
        }
        try {
            Instant at =
                    ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            return Optional.of(at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
