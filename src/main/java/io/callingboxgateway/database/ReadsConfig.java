package io.callingboxgateway.database;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import java.util.Optional;

/**
 * The share of the connection pool that reads may hold. The pool
 * ({@code quarkus.datasource.jdbc.max-size}) is split three ways: reads, forced refreshes
 * ({@code gateway.refresh.max-concurrent}), and the rest, which webhook intake and background work
 * share and which no burst of reads can take.
 */
@ConfigMapping(prefix = "gateway.reads")
public interface ReadsConfig {

    /**
     * How many read requests (calls, events, subscriptions) one replica serves at once. Absent: half of
     * what the pool has left after refreshes.
     */
    Optional<@Min(1) Integer> maxConnections();

    /** How long a read waits for a place before it is answered 503 with Retry-After. */
    @WithDefault("1s")
    Duration maxWait();
}
