package io.callingboxgateway.subscriptions.delivery;

import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.http.HttpClientResponse;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import javax.net.ssl.SSLException;

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

    /** No answer at all: the connection failed or the deadline passed before response headers. */
    static AttemptResult unanswered(Throwable failure) {
        return failed(null, coarse(failure));
    }

    /** What {@code last_error} says: the kind of failure, without addresses or exception text. */
    private static String coarse(Throwable failure) {
        if (failure instanceof ConnectTimeoutException) {
            return "timeout";
        }
        if (failure instanceof NoRouteToHostException) {
            return "unreachable";
        }
        if (failure instanceof ConnectException) {
            return "connection refused";
        }
        if (failure instanceof SSLException) {
            return "TLS failed";
        }
        return "connection failed";
    }

    /** A subscriber's answer: any 2xx delivers; 429 and 503 may say when to come back. */
    static AttemptResult of(HttpClientResponse response) {
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return AttemptResult.delivered(status);
        }
        if (status == 429 || status == 503) {
            return AttemptResult.failed(
                    status,
                    "HTTP " + status,
                    RetrySchedule.parseRetryAfter(response.getHeader("Retry-After"), Instant.now()));
        }
        if (status >= 300 && status < 400) {
            return AttemptResult.failed(status, "HTTP " + status + " (redirects are not followed)");
        }
        return AttemptResult.failed(status, "HTTP " + status);
    }
}
