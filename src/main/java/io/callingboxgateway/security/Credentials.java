package io.callingboxgateway.security;

import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import java.util.Set;

/** Identities of the gateway's own credentials, with the attribute the rate limit counts by. */
final class Credentials {

    /** Identifies the credential, not the person: each key has its own rate-limit bucket. */
    static final String ATTRIBUTE = "gateway.credential";

    private Credentials() {}

    static SecurityIdentity identity(String credential, Set<String> scopeNames) {
        return QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal(credential))
                .addRoles(Scope.roles(scopeNames))
                .addAttribute(ATTRIBUTE, credential)
                .build();
    }

    /** The bucket key for an authenticated identity; OIDC tokens count by their subject. */
    static String of(SecurityIdentity identity) {
        Object credential = identity.getAttribute(ATTRIBUTE);
        return credential != null
                ? credential.toString()
                : "principal:" + identity.getPrincipal().getName();
    }
}
