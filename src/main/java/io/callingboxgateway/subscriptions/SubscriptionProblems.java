package io.callingboxgateway.subscriptions;

import io.callingboxgateway.problem.Problem;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** How the subscription API says no: the service's refusals as problem JSON. */
public class SubscriptionProblems {

    @ServerExceptionMapper
    public Response invalid(InvalidSubscription e) {
        return Problem.of(400, "invalid-request", "Invalid request", e.getMessage())
                .withParameter(e.field())
                .toResponse();
    }

    @ServerExceptionMapper
    public Response limitReached(SubscriptionLimitReached e) {
        return Problem.of(
                        409,
                        "subscription-limit",
                        "Too many subscriptions",
                        "there are already " + e.count() + " subscriptions, the most this gateway keeps"
                                + " (gateway.subscriptions.max = " + e.max() + "); delete one first")
                .toResponse();
    }
}
