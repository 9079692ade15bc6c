package io.callingboxgateway.upstream;

import java.time.Duration;

/** CallingBox could not answer as asked. Carries what the retry, the breaker and the metrics need. */
public class UpstreamException extends RuntimeException {

    public enum Kind {
        /** 5xx from CallingBox. */
        SERVER_ERROR(true),
        /** 429 from CallingBox. */
        RATE_LIMITED(true),
        /** No answer in time. */
        TIMEOUT(true),
        /** Connection refused, reset or broken. */
        CONNECTION(true),
        /** Any other 4xx: our request is wrong; retrying will not help and CallingBox is not at fault. */
        CLIENT_ERROR(false),
        /** The body was not what CallingBox documents. */
        BAD_RESPONSE(false),
        /** The circuit breaker is open: CallingBox was not called. */
        CIRCUIT_OPEN(false),
        /** No API key is configured. */
        NOT_CONFIGURED(false);

        /** Whether CallingBox is at fault, so the request may be retried and the breaker counts it. */
        public final boolean upstreamFault;

        Kind(boolean upstreamFault) {
            this.upstreamFault = upstreamFault;
        }

        public String tag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final Kind kind;
    private final int status;
    private final transient Duration retryAfter;

    public UpstreamException(Kind kind, int status, String message, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.status = status;
        this.retryAfter = retryAfter;
    }

    public UpstreamException(Kind kind, String message, Throwable cause) {
        this(kind, 0, message, null, cause);
    }

    public Kind kind() {
        return kind;
    }

    /** The HTTP status CallingBox answered, or 0 when it did not answer. */
    public int status() {
        return status;
    }

    /** What a 429's Retry-After asked for, or null. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
