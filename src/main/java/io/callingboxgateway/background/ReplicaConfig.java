package io.callingboxgateway.background;

import io.smallrye.config.ConfigMapping;
import java.util.Optional;

/**
 * The replica's configured name. A mapping, not a loose {@code @ConfigProperty}: every key under
 * {@code callingbox.} must belong to a mapping, or the start refuses it as unknown.
 */
@ConfigMapping(prefix = "callingbox")
public interface ReplicaConfig {

    /** {@code callingbox.replica-id} (CALLINGBOX_REPLICA_ID); must differ between replicas when set. */
    Optional<String> replicaId();
}
