package io.callingboxgateway.security;

import io.quarkus.arc.profile.IfBuildProfile;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * {@code ./mvnw quarkus:dev} without an admin key: a request without credentials is let in as
 * {@code admin}, so the README's sandbox tour needs no key. A request that carries one is still
 * checked like anywhere else.
 *
 * <p>The same build-time guard as the sandbox keeps this class out of the packaged application
 * whatever profile it is started with; the launch-mode check is a second lock for a dev build run
 * outside dev mode.
 */
@ApplicationScoped
@IfBuildProfile("dev")
public class DevModeAccess implements HttpAuthenticationMechanism {

    private static final Logger LOG = Logger.getLogger(DevModeAccess.class);

    private final boolean open;

    DevModeAccess(AdminKey adminKey) {
        this.open = LaunchMode.current() == LaunchMode.DEVELOPMENT && !adminKey.configured();
    }

    void warn(@Observes StartupEvent started) {
        if (open) {
            LOG.warn("""

                    ************************************************************************
                    *  DEV MODE WITHOUT CREDENTIALS                                        *
                    *  GATEWAY_ADMIN_API_KEY is not set, so every request that carries no  *
                    *  credential is answered as 'admin'. Only `quarkus:dev` does this;    *
                    *  the packaged application always requires a credential.              *
                    *  Set GATEWAY_ADMIN_API_KEY to try the API with credentials.          *
                    ************************************************************************""");
        }
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identities) {
        if (!open || context.request().getHeader(HttpHeaders.AUTHORIZATION) != null) {
            return Uni.createFrom().nullItem();
        }
        return Uni.createFrom().item(Credentials.identity("dev-mode", Set.of(Scope.ADMIN.wireName())));
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().nullItem();
    }

    /** Last: only a request that no other mechanism authenticated gets here. */
    @Override
    public int getPriority() {
        return 1;
    }
}
