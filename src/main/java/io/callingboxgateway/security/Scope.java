package io.callingboxgateway.security;

import io.quarkus.security.identity.SecurityIdentity;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a credential may do. Each scope is a security role of the same name; the HTTP permissions in
 * {@code application.properties} say which paths need which role. {@code admin} holds every scope.
 */
public enum Scope {
    CALLS_READ("calls:read"),
    CALLS_REFRESH("calls:refresh"),
    EVENTS_READ("events:read"),
    SUBSCRIPTIONS_WRITE("subscriptions:write"),
    /** Unmasked phone numbers and conversation content on every read; without it they are masked. */
    PII_READ("pii:read"),
    ADMIN("admin");

    private final String wireName;

    Scope(String wireName) {
        this.wireName = wireName;
    }

    /** The name in requests, responses, roles and OIDC {@code scope} claims. */
    public String wireName() {
        return wireName;
    }

    /** Whether this credential holds the scope ({@code admin} holds every one). */
    public boolean heldBy(SecurityIdentity identity) {
        return identity.hasRole(wireName);
    }

    public static Optional<Scope> parse(String name) {
        return Arrays.stream(values()).filter(s -> s.wireName.equals(name)).findFirst();
    }

    public static String names() {
        return Arrays.stream(values()).map(Scope::wireName).collect(Collectors.joining(", "));
    }

    /** The roles a credential with these scope names holds: every scope when one of them is admin. */
    public static Set<String> roles(Set<String> scopeNames) {
        if (scopeNames.contains(ADMIN.wireName)) {
            return EnumSet.allOf(Scope.class).stream().map(Scope::wireName).collect(Collectors.toSet());
        }
        return scopeNames;
    }
}
