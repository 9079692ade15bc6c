package io.callingboxgateway.subscriptions.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RetryScheduleTest {

    private final RetrySchedule schedule =
            new RetrySchedule(Duration.ofSeconds(1), Duration.ofMinutes(10), Duration.ofHours(1), new Random(42));

    @Test
    void theCeilingDoublesPerFailureUpToTheMaximum() {
        assertEquals(Duration.ofSeconds(1), schedule.ceiling(1));
        assertEquals(Duration.ofSeconds(2), schedule.ceiling(2));
        assertEquals(Duration.ofSeconds(256), schedule.ceiling(9));
        assertEquals(Duration.ofMinutes(10), schedule.ceiling(11));
        assertEquals(Duration.ofMinutes(10), schedule.ceiling(1000));
    }

    @Test
    void delaysAreSpreadBelowTheCeiling() {
        long below = 0;
        for (int i = 0; i < 1000; i++) {
            Duration delay = schedule.delay(4, Optional.empty());
            assertTrue(!delay.isNegative() && delay.compareTo(Duration.ofSeconds(8)) <= 0, delay.toString());
            if (delay.compareTo(Duration.ofSeconds(4)) < 0) {
                below++;
            }
        }
        // full jitter: about half the delays fall in the lower half
        assertTrue(below > 400 && below < 600, "lower half: " + below);
    }

    @Test
    void retryAfterIsAFloorCappedByTheMaximum() {
        for (int i = 0; i < 100; i++) {
            assertTrue(schedule.delay(1, Optional.of(Duration.ofSeconds(30))).compareTo(Duration.ofSeconds(30)) >= 0);
        }
        assertEquals(Duration.ofHours(1), schedule.delay(1, Optional.of(Duration.ofDays(2))));
    }

    @Test
    void readsRetryAfterAsSecondsOrHttpDate() {
        Instant now = Instant.parse("2026-11-28T10:00:00Z");

        assertEquals(Optional.of(Duration.ofSeconds(120)), RetrySchedule.parseRetryAfter("120", now));
        assertEquals(
                Optional.of(Duration.ofSeconds(90)),
                RetrySchedule.parseRetryAfter("Sat, 28 Nov 2026 10:01:30 GMT", now));
        assertEquals(Optional.of(Duration.ZERO), RetrySchedule.parseRetryAfter("Sat, 28 Nov 2026 09:00:00 GMT", now));
        assertEquals(Optional.empty(), RetrySchedule.parseRetryAfter("soon", now));
        assertEquals(Optional.empty(), RetrySchedule.parseRetryAfter(null, now));
        assertTrue(RetrySchedule.parseRetryAfter("99999999999999999999999", now)
                        .orElseThrow()
                        .compareTo(Duration.ofDays(365))
                > 0);
    }
}
