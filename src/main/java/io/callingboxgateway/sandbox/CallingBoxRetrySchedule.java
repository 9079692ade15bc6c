package io.callingboxgateway.sandbox;

import java.time.Duration;
import java.util.List;

/** When CallingBox tries a webhook delivery again: its documented schedule, with its jitter. */
final class CallingBoxRetrySchedule {

    /** Attempts of one delivery before it is exhausted. */
    static final int MAX_ATTEMPTS = 8;

    /** The wait before attempts 2 to 8, each after the previous attempt, before jitter and scaling. */
    static final List<Duration> WAITS = List.of(
            Duration.ofMinutes(1),
            Duration.ofMinutes(5),
            Duration.ofMinutes(30),
            Duration.ofHours(2),
            Duration.ofHours(5),
            Duration.ofHours(10),
            Duration.ofHours(24));

    /** Each wait is drawn within this share above or below its scheduled value. */
    static final double JITTER = 0.2;

    private CallingBoxRetrySchedule() {}

    /** The simulated wait after the given number of failed attempts (1 to 7), jittered. */
    static Duration waitAfter(int failedAttempts, SimulatorRandom random) {
        Duration wait = WAITS.get(failedAttempts - 1);
        return Duration.ofNanos(Math.round(wait.toNanos() * random.between(1 - JITTER, 1 + JITTER)));
    }
}
