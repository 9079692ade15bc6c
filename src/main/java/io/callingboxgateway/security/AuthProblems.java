package io.callingboxgateway.security;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callingboxgateway.problem.Problem;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.UncheckedIOException;

/**
 * The refusals of the security layer as problem JSON. They are written to the Vert.x response directly,
 * because they happen before a request reaches the REST layer and its exception mappers, which is
 * also why an event stream is refused before it starts.
 */
@ApplicationScoped
public class AuthProblems {

    private final ObjectMapper json;

    AuthProblems(ObjectMapper json) {
        this.json = json;
    }

    void unauthorized(RoutingContext context, String detail) {
        context.response().putHeader(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
        send(context, Problem.of(401, "unauthorized", "Unauthorized", detail));
    }

    void forbidden(RoutingContext context) {
        send(
                context,
                Problem.of(
                        403,
                        "forbidden",
                        "Forbidden",
                        "the credential is valid but lacks the scope this path and method need"));
    }

    void tooManyRequests(RoutingContext context, long retryAfterSeconds) {
        context.response().putHeader(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds));
        send(
                context,
                Problem.of(
                        429,
                        "rate-limited",
                        "Too many requests",
                        "this credential is over its request rate; retry after %d s".formatted(retryAfterSeconds)));
    }

    void unavailable(RoutingContext context) {
        context.response().putHeader(HttpHeaders.RETRY_AFTER, "5");
        send(
                context,
                Problem.of(
                        503,
                        "database-unavailable",
                        "Service unavailable",
                        "credentials cannot be checked right now; retry shortly"));
    }

    private void send(RoutingContext context, Problem problem) {
        if (context.response().ended()) {
            return;
        }
        try {
            context.response()
                    .setStatusCode(problem.status())
                    .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                    .end(json.writeValueAsString(problem));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
