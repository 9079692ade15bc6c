package io.callingboxgateway.security;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A token bucket per credential: {@code rate} tokens a second up to {@code burst}, one per request. Per
 * replica and in memory: it is there to stop a flood from one credential, not to meter use exactly.
 */
final class RateLimiter {

    /** Past this many credentials, buckets that are full again (idle ones) are dropped. */
    private static final int MAX_IDLE_BUCKETS = 10_000;

    private final double ratePerNano;
    private final double burst;
    private final LongSupplier nanoClock;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    RateLimiter(double ratePerSecond, long burst, LongSupplier nanoClock) {
        this.ratePerNano = ratePerSecond / TimeUnit.SECONDS.toNanos(1);
        this.burst = burst;
        this.nanoClock = nanoClock;
    }

    /** 0 when the request may pass, else the whole seconds (at least 1) until it would. */
    long acquire(String credential) {
        if (buckets.size() > MAX_IDLE_BUCKETS) {
            long now = nanoClock.getAsLong();
            buckets.values().removeIf(bucket -> bucket.full(now));
        }
        return buckets.computeIfAbsent(credential, c -> new Bucket(nanoClock.getAsLong()))
                .take(nanoClock.getAsLong());
    }

    private final class Bucket {
        private double tokens = burst;
        private long refilledAt;

        Bucket(long now) {
            this.refilledAt = now;
        }

        synchronized long take(long now) {
            refill(now);
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            double nanosToWait = (1 - tokens) / ratePerNano;
            return Math.max(1, (long) Math.ceil(nanosToWait / TimeUnit.SECONDS.toNanos(1)));
        }

        synchronized boolean full(long now) {
            refill(now);
            return tokens >= burst;
        }

        private void refill(long now) {
            tokens = Math.min(burst, tokens + (now - refilledAt) * ratePerNano);
            refilledAt = now;
        }
    }
}
