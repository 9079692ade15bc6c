package io.callingboxgateway.subscriptions.delivery;

import java.time.Duration;
import java.util.Optional;

/**
 * What one delivery attempt came to.
 *
 * @param status the HTTP status, or null when there was no response
 * @param error what went wrong, in words; null on success
 * @param retryAfter the subscriber's Retry-After on a 429 or 503
 */
public record AttemptResult(boolean delivered, Integer status, String error, Optional<Duration> retryAfter) {

    static AttemptResult delivered(int status) {
        return new AttemptResult(true, status, null, Optional.empty());
    }

    static AttemptResult failed(Integer status, String error) {
        return new AttemptResult(false, status, error, Optional.empty());
    }

    static AttemptResult failed(int status, String error, Optional<Duration> retryAfter) {
        return new AttemptResult(false, status, error, retryAfter);
    }
}
