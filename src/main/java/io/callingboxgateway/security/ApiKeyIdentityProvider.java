package io.callingboxgateway.security;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashSet;
import java.util.Set;

/**
 * Turns the admin key or a {@code gwk_} key into an identity whose roles are the key's scopes. A
 * {@code gwk_} key is looked up by its hash in the database on every request (off the event loop),
 * so a revoked key fails at once on every replica.
 */
@ApplicationScoped
public class ApiKeyIdentityProvider implements IdentityProvider<BearerKeyRequest> {

    static final String ADMIN_CREDENTIAL = "admin-key";

    private final AdminKey adminKey;
    private final ApiKeyStore store;

    ApiKeyIdentityProvider(AdminKey adminKey, ApiKeyStore store) {
        this.adminKey = adminKey;
        this.store = store;
    }

    @Override
    public Class<BearerKeyRequest> getRequestType() {
        return BearerKeyRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(BearerKeyRequest request, AuthenticationRequestContext context) {
        if (adminKey.matches(request.token())) {
            return Uni.createFrom().item(Credentials.identity(ADMIN_CREDENTIAL, Set.of(Scope.ADMIN.wireName())));
        }
        if (!request.token().startsWith(KeyHash.PREFIX)) {
            return Uni.createFrom().failure(new AuthenticationFailedException("unknown credential"));
        }
        return context.runBlocking(() -> store.authenticate(KeyHash.of(request.token()))
                .map(key -> Credentials.identity("api-key:" + key.id(), new HashSet<>(key.scopes())))
                .orElseThrow(() -> new AuthenticationFailedException("unknown or revoked API key")));
    }
}
