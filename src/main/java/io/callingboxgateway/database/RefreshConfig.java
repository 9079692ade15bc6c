package io.callingboxgateway.database;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Min;

/**
 * Forced refreshes' share of the connection pool: each holds a connection for up to the upstream
 * timeout, so their bound is part of the pool's split ({@link ReadsConfig}) as much as a limit on
 * callers (upstream/poll/RefreshBulkhead enforces it).
 */
@ConfigMapping(prefix = "gateway.refresh")
public interface RefreshConfig {

    /** How many forced refreshes (POST /calls/{id}/refresh) one replica runs at once; more answer 429. */
    @WithDefault("4")
    @Min(1)
    int maxConcurrent();
}
