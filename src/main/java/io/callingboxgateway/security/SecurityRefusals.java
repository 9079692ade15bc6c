package io.callingboxgateway.security;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Answers what the security layer fails a request with, ahead of every other failure handler: a
 * refused credential (401; with lazy authentication the REST layer would otherwise answer it with an
 * empty body), a valid credential without the scope (403), or a key lookup that could not reach the
 * database (503, like every other database outage). Anything else goes on to the next handler.
 */
@ApplicationScoped
public class SecurityRefusals {

    private final AuthProblems problems;

    SecurityRefusals(AuthProblems problems) {
        this.problems = problems;
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).failureHandler(this::refuse);
    }

    private void refuse(RoutingContext context) {
        Throwable failure = context.failure();
        if (failure instanceof AuthenticationFailedException) {
            problems.unauthorized(context, BearerMechanism.refusal(context));
        } else if (failure instanceof ForbiddenException) {
            problems.forbidden(context);
        } else if (failure instanceof ApiKeyStore.Unavailable) {
            problems.unavailable(context);
        } else {
            context.next();
        }
    }
}
