package io.callingboxgateway.security;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.security.MessageDigest;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The bootstrap key from {@code GATEWAY_ADMIN_API_KEY}. Only its SHA-256 is kept, and a presented
 * token is compared by hash in constant time, so neither the comparison's duration nor a heap dump
 * gives the key away; the key itself is never logged.
 */
@ApplicationScoped
public class AdminKey {

    static final int MIN_LENGTH = 32;

    private static final Logger LOG = Logger.getLogger(AdminKey.class);

    private final Optional<byte[]> hash;

    AdminKey(ApiSecurityConfig config) {
        this.hash = config.adminApiKey()
                .map(String::strip)
                .filter(k -> !k.isEmpty())
                .map(KeyHash::of);
        if (config.adminApiKey().isPresent()
                && config.adminApiKey().get().strip().length() < MIN_LENGTH) {
            // a blank or padded value slips past the length constraint on the raw value
            throw new IllegalStateException(
                    "GATEWAY_ADMIN_API_KEY must be at least 32 characters (its value is not shown here);"
                            + " generate one with: openssl rand -base64 32");
        }
    }

    public boolean configured() {
        return hash.isPresent();
    }

    /** Whether the token is the admin key, in time that does not depend on where they differ. */
    public boolean matches(String token) {
        return hash.isPresent() && MessageDigest.isEqual(hash.get(), KeyHash.of(token));
    }

    void warnWhenUnset(@Observes StartupEvent started) {
        if (hash.isEmpty() && LaunchMode.current() != LaunchMode.DEVELOPMENT) {
            LOG.warn("GATEWAY_ADMIN_API_KEY is not set: every internal path answers 401 until an OIDC provider"
                    + " (QUARKUS_OIDC_AUTH_SERVER_URL) or the admin key is configured");
        }
    }
}
