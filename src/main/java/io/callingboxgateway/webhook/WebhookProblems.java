package io.callingboxgateway.webhook;

import io.callingboxgateway.problem.Problem;
import io.callingboxgateway.problem.ProblemException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** How the webhook edge says no. Every answer is problem JSON, and none tells a forger what was wrong. */
public class WebhookProblems {

    /** Seconds CallingBox is asked to wait before redelivering when the store is down. */
    static final int RETRY_AFTER_SECONDS = 30;

    /** One answer for every signature failure, so a caller cannot probe which part was wrong. */
    static ProblemException invalidSignature() {
        return new ProblemException(Problem.of(
                        401,
                        "invalid-signature",
                        "Invalid webhook signature",
                        "The CallingBox-Signature header is missing or malformed, does not match the body, or was"
                                + " made outside the accepted time window.")
                .withParameter("CallingBox-Signature"));
    }

    static ProblemException malformed(String detail) {
        return new ProblemException(Problem.of(400, "invalid-webhook", "Not a CallingBox webhook", detail));
    }

    static ProblemException unsupportedMediaType() {
        return new ProblemException(Problem.of(
                        415,
                        "unsupported-media-type",
                        "Unsupported Media Type",
                        "CallingBox webhooks are JSON: send them with Content-Type: application/json.")
                .withParameter("Content-Type"));
    }

    static Problem tooLarge(long maxBytes) {
        return Problem.of(
                413,
                "payload-too-large",
                "Payload Too Large",
                "Webhook bodies are limited to %d bytes.".formatted(maxBytes));
    }

    static Problem bodyTimeout(Duration timeout) {
        return Problem.of(
                408,
                "request-timeout",
                "Request Timeout",
                "The webhook body did not arrive within %d ms; the connection is closed."
                        .formatted(timeout.toMillis()));
    }

    /** The database could not be reached: nothing was stored, and CallingBox should deliver again. */
    public static class StoreUnavailable extends RuntimeException {
        StoreUnavailable(Throwable cause) {
            super("webhook store unavailable", cause, false, false);
        }
    }

    /**
     * The webhook was not stored in time: too many were waiting, the gateway is stopping, or its commit
     * did not come within gateway.webhooks.group-commit.max-wait. It may still commit; a redelivery is
     * recognised either way.
     */
    public static class StoreBusy extends RuntimeException {
        StoreBusy(String why) {
            super("webhook store busy: " + why, null, false, false);
        }
    }

    @ServerExceptionMapper
    public Response storeBusy(StoreBusy e) {
        Problem problem = Problem.of(
                503,
                "store-busy",
                "Service Unavailable",
                "The webhook could not be confirmed as stored in time; it may or may not have been applied."
                        + " Deliver it again later: a redelivery of a stored webhook is recognised and changes"
                        + " nothing.");
        return Response.fromResponse(problem.toResponse())
                // the same wait as for an outage: a commit that does not come in time usually is one
                .header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS)
                .build();
    }

    @ServerExceptionMapper
    public Response storeUnavailable(StoreUnavailable e) {
        Problem problem = Problem.of(
                503,
                "store-unavailable",
                "Service Unavailable",
                "The webhook could not be stored because the database is unavailable; nothing was applied."
                        + " Deliver it again later.");
        return Response.fromResponse(problem.toResponse())
                .header(HttpHeaders.RETRY_AFTER, RETRY_AFTER_SECONDS)
                .build();
    }
}
