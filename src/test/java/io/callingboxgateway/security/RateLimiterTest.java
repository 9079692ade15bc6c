package io.callingboxgateway.security;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The token bucket on a clock the test moves by hand. */
class RateLimiterTest {

    private final AtomicLong now = new AtomicLong(42);
    private final RateLimiter limiter = new RateLimiter(2, 4, now::get);

    private void advanceMillis(long millis) {
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    @Test
    void aBurstPassesThenTheNextRequestWaits() {
        for (int i = 0; i < 4; i++) {
            assertEquals(0, limiter.acquire("key"), "request " + i + " of the burst");
        }
        assertEquals(1, limiter.acquire("key"), "half a second to the next token: Retry-After rounds up to 1");
    }

    @Test
    void tokensComeBackAtTheRate() {
        for (int i = 0; i < 4; i++) {
            limiter.acquire("key");
        }
        advanceMillis(500);
        assertEquals(0, limiter.acquire("key"), "one token after half a second at 2/s");
        assertEquals(1, limiter.acquire("key"));
        advanceMillis(60_000);
        for (int i = 0; i < 4; i++) {
            assertEquals(0, limiter.acquire("key"), "refilled up to the burst, not beyond");
        }
        assertEquals(1, limiter.acquire("key"));
    }

    @Test
    void eachCredentialHasItsOwnBucket() {
        for (int i = 0; i < 4; i++) {
            limiter.acquire("flooder");
        }
        assertEquals(1, limiter.acquire("flooder"));
        assertEquals(0, limiter.acquire("bystander"));
    }

    @Test
    void retryAfterIsTheWholeSecondsUntilATokenIsBack() {
        RateLimiter slow = new RateLimiter(0.1, 1, now::get);
        assertEquals(0, slow.acquire("key"));
        assertEquals(10, slow.acquire("key"));
        advanceMillis(9_500);
        assertEquals(1, slow.acquire("key"));
    }

    @Test
    void theDefaultLetsOneClientAtFullSpeedThrough() {
        RateLimiter defaults = new RateLimiter(10_000, 20_000, now::get);
        // ten seconds of requests 100 microseconds apart (10,000 a second, ten times what one client
        // sending one request after another manages here), and never a refusal
        for (int i = 0; i < 100_000; i++) {
            now.addAndGet(TimeUnit.MICROSECONDS.toNanos(100));
            assertEquals(0, defaults.acquire("client"), "request " + i);
        }
    }
}
