package io.callingboxgateway.security;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.quarkus.oidc.runtime.OidcAuthenticationMechanism;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.util.Locale;
import java.util.Set;

/**
 * {@code Authorization: Bearer <token>} for every internal path. The admin key and {@code gwk_} keys are
 * ours; any other token is offered to OIDC, which accepts it only when an identity provider is
 * configured. This mechanism runs first and answers every refusal itself, so a caller always gets
 * the same 401 problem JSON with {@code WWW-Authenticate: Bearer}, whichever check refused.
 *
 * <p>Paths that need no credential (the webhook, health) never reach it: the HTTP permissions permit
 * them, and authentication is lazy ({@code quarkus.http.auth.proactive=false}), so a stray
 * {@code Authorization} header on a webhook is not even read.
 */
@ApplicationScoped
public class BearerMechanism implements HttpAuthenticationMechanism {

    /** Ahead of OIDC (1001), so a token that is ours never reaches it. */
    static final int PRIORITY = 2000;

    private static final String SCHEME = "bearer ";
    private static final String REFUSAL = BearerMechanism.class.getName() + ".refusal";

    private final Instance<OidcAuthenticationMechanism> oidc;
    private final AuthProblems problems;
    private final AdminKey adminKey;

    BearerMechanism(Instance<OidcAuthenticationMechanism> oidc, AuthProblems problems, AdminKey adminKey) {
        this.oidc = oidc;
        this.problems = problems;
        this.adminKey = adminKey;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identities) {
        String header = context.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null) {
            return Uni.createFrom().nullItem();
        }
        // whatever happens next, a refusal is ours to answer
        context.put(HttpAuthenticationMechanism.class.getName(), this);
        if (!header.toLowerCase(Locale.ROOT).startsWith(SCHEME)
                || header.substring(SCHEME.length()).isBlank()) {
            return refuse(context, "the Authorization header must be 'Bearer <API key or token>'");
        }
        String token = header.substring(SCHEME.length()).strip();
        if (adminKey.matches(token) || token.startsWith(KeyHash.PREFIX)) {
            return identities
                    .authenticate(HttpSecurityUtils.setRoutingContextAttribute(new BearerKeyRequest(token), context))
                    .onFailure(AuthenticationFailedException.class)
                    .recoverWithUni(e -> refuse(context, "the API key is unknown or has been revoked"));
        }
        return viaOidc(context, identities);
    }

    private Uni<SecurityIdentity> viaOidc(RoutingContext context, IdentityProviderManager identities) {
        if (!oidc.isResolvable()) {
            return refuse(context, "the bearer token is not an API key of this gateway");
        }
        return oidc.get()
                .authenticate(context, identities)
                .onFailure()
                .recoverWithUni(e -> refuse(context, "the bearer token is not a valid API key or OIDC access token"))
                .onItem()
                .ifNull()
                .switchTo(() -> refuse(context, "the bearer token is not an API key of this gateway"));
    }

    private Uni<SecurityIdentity> refuse(RoutingContext context, String why) {
        context.put(REFUSAL, why);
        // OIDC registers itself as the mechanism to challenge when it fails: take that back
        context.put(HttpAuthenticationMechanism.class.getName(), this);
        return Uni.createFrom().failure(new AuthenticationFailedException(why));
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(401, HttpHeaderNames.WWW_AUTHENTICATE, "Bearer"));
    }

    /** 401 problem JSON: for a refused credential, and for a request without one on a path that needs one. */
    @Override
    public Uni<Boolean> sendChallenge(RoutingContext context) {
        problems.unauthorized(context, refusal(context));
        return Uni.createFrom().item(true);
    }

    /** Why the request's credential was refused, or that it needs one. */
    static String refusal(RoutingContext context) {
        String why = context.get(REFUSAL);
        return why != null ? why : "this path needs 'Authorization: Bearer <API key or token>'";
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(BearerKeyRequest.class);
    }

    @Override
    public int getPriority() {
        return PRIORITY;
    }
}
