package io.callingboxgateway.security;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.util.Optional;

@ConfigMapping(prefix = "gateway")
public interface ApiSecurityConfig {

    /**
     * The bootstrap key (GATEWAY_ADMIN_API_KEY), holding every scope; at least 32 characters. Unset: only
     * keys created through /api-keys (by an admin) or OIDC tokens get in.
     */
    @WithName("admin-api-key")
    Optional<
                    @Size(
                            min = AdminKey.MIN_LENGTH,
                            message = "must be at least 32 characters; generate one with: openssl rand -base64 32")
                    String>
            adminApiKey();

    /** Limits of the internal API. */
    Api api();

    interface Api {

        /** Requests per second each credential may make on each replica, on average. */
        @WithDefault("10000")
        @Positive
        double rateLimit();

        /** Requests a credential may make at once after being idle, above the average rate. */
        @WithDefault("20000")
        @Positive
        long rateLimitBurst();
    }
}
