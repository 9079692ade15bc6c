package io.callingboxgateway.security;

import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Applies the per-credential rate limit ({@code gateway.api.rate-limit}) right after the permission
 * check, before the request reaches a resource. Only requests that carried a credential count: the
 * webhook and health are permitted without authenticating, so they have no identity here and never
 * touch a bucket.
 */
@ApplicationScoped
public class RateLimit {

    /** After the permission check (route order -100), before any resource. */
    static final int ROUTE_ORDER = -90;

    private final RateLimiter limiter;
    private final AuthProblems problems;

    RateLimit(ApiSecurityConfig config, AuthProblems problems) {
        this.limiter = new RateLimiter(config.api().rateLimit(), config.api().rateLimitBurst(), System::nanoTime);
        this.problems = problems;
    }

    void install(@Observes Router router) {
        router.route().order(ROUTE_ORDER).handler(this::check);
    }

    private void check(RoutingContext context) {
        if (context.user() instanceof QuarkusHttpUser user
                && !user.getSecurityIdentity().isAnonymous()) {
            long retryAfter = limiter.acquire(Credentials.of(user.getSecurityIdentity()));
            if (retryAfter > 0) {
                problems.tooManyRequests(context, retryAfter);
                return;
            }
        }
        context.next();
    }
}
