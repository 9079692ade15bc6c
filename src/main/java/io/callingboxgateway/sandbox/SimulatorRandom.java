package io.callingboxgateway.sandbox;

import io.quarkus.arc.profile.IfBuildProfile;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * Every random choice of the simulator, from one seedable source, so a test can replay the same calls,
 * outcomes and faults (as far as thread timing allows).
 */
@ApplicationScoped
@IfBuildProfile(anyOf = {"dev", "test"})
public class SimulatorRandom {

    private final Random random;

    SimulatorRandom(SandboxConfig config) {
        random = config.seed().isPresent() ? new Random(config.seed().getAsLong()) : new Random();
    }

    synchronized boolean chance(double probability) {
        return probability > 0 && random.nextDouble() < probability;
    }

    synchronized double between(double low, double high) {
        return low + random.nextDouble() * (high - low);
    }

    synchronized int between(int low, int highInclusive) {
        return low + random.nextInt(highInclusive - low + 1);
    }

    /** A whole number of seconds from low to high, inclusive. */
    Duration seconds(int low, int high) {
        return Duration.ofSeconds(between(low, high));
    }

    /** A uniform wait from zero to max. */
    Duration upTo(Duration max) {
        return Duration.ofNanos(Math.round(between(0.0, max.toNanos())));
    }

    synchronized <T> T pick(List<T> options) {
        return options.get(random.nextInt(options.size()));
    }

    /** A version 4 UUID drawn from the seeded source. */
    synchronized UUID uuid() {
        long most = (random.nextLong() & ~0xF000L) | 0x4000L;
        long least = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(most, least);
    }
}
