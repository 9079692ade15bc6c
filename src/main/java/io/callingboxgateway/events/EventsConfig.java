package io.callingboxgateway.events;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "gateway.events")
public interface EventsConfig {

    /** How long events (and reconciliation decisions) are kept before retention deletes them. */
    @WithDefault("30d")
    Duration retention();

    /** How often this replica runs retention, as a duration such as 10m, or off to never run it here. */
    @WithDefault("10m")
    String retentionEvery();

    /** How many events retention deletes per statement, so writers are never blocked for long. */
    @WithDefault("5000")
    int retentionBatchSize();

    /** How often this replica looks for events committed by other replicas, for live streams. */
    @WithDefault("100ms")
    Duration tailInterval();

    /** How long a quiet event stream waits before sending a heartbeat comment. */
    @WithDefault("15s")
    Duration heartbeat();

    /** How far a stream may fall behind the newest event before it is told to resume from its cursor. */
    @WithDefault("10000")
    long streamMaxLag();

    /** How many event streams this replica serves at once; one more is answered 429 with Retry-After. */
    @WithDefault("200")
    @jakarta.validation.constraints.Min(1)
    int maxStreams();

    /** How long one event stream lasts before it ends with a resume event carrying its cursor. */
    @WithDefault("1h")
    Duration streamMaxLifetime();

    /**
     * How many of the newest events this replica keeps in memory for its live streams, read once and
     * shared by all of them; a stream further behind reads its own pages until it catches up.
     */
    @WithDefault("1000")
    @jakarta.validation.constraints.Min(1)
    int streamWindow();
}
