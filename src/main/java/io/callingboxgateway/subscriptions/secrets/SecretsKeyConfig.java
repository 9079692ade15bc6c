package io.callingboxgateway.subscriptions.secrets;

import io.smallrye.config.ConfigMapping;
import java.util.Optional;

@ConfigMapping(prefix = "gateway")
public interface SecretsKeyConfig {

    /**
     * Base64 of 32 random bytes: the AES-256 key that encrypts subscription signing secrets at rest;
     * unset: a key generated once and kept in the database (see docs/decisions/0051).
     */
    Optional<String> secretsKey();
}
