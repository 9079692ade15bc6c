package io.callingboxgateway.upstream.poll;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import io.smallrye.config.WithParentName;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import java.util.Optional;
import org.hibernate.validator.constraints.time.DurationMin;

/**
 * How the poller behaves. The settings are grouped by job here, in Java only: their names stay those of
 * the flat {@code callingbox.*} keys the README lists (CALLINGBOX_POLL_INTERVAL, CALLINGBOX_DISCOVERY_BATCH,
 * ...), each spelled out where the Java name differs. A value out of range stops startup, naming the key.
 */
@ConfigMapping(prefix = "callingbox")
public interface PollerConfig {

    /** How often the poller runs, as a Quarkus duration (30s, 5m); 0 or off disables polling. */
    @WithName("poll-interval")
    @WithDefault("30s")
    @WithConverter(PollInterval.Converter.class)
    PollInterval interval();

    /** How long a poller's lease lasts without renewal before another replica may take over. */
    @WithDefault("2m")
    @DurationMin(seconds = 1)
    Duration leaseDuration();

    /** A call still not terminal this long after its creation counts as stuck in the metrics. */
    @WithDefault("1h")
    @DurationMin(seconds = 0)
    Duration stuckAfter();

    @WithParentName
    Discovery discovery();

    @WithParentName
    Refresh refresh();

    @WithParentName
    Heal heal();

    /** Reading the call list ({@link CallDiscovery}). */
    interface Discovery {

        /** How far back the first discovery on an empty store imports existing calls. */
        @WithName("backfill-since")
        @WithDefault("30d")
        @DurationMin(seconds = 0)
        Duration backfillSince();

        /** How far below the last complete scan's newest call discovery keeps reading, for calls listed late. */
        @WithName("discovery-overlap")
        @WithDefault("10m")
        @DurationMin(seconds = 0)
        Duration overlap();

        /** How many listed calls discovery compares against the store in one query. */
        @WithName("discovery-batch")
        @WithDefault("1000")
        @Min(1)
        int batch();
    }

    /** Re-reading unsettled calls ({@link CallRefresher}). */
    interface Refresh {

        /** The refresh backoff of an unchanged call never exceeds this many poll intervals. */
        @WithName("refresh-cap-factor")
        @WithDefault("10")
        @Min(1)
        int capFactor();

        /** How many unsettled calls one poll re-reads at most. */
        @WithName("refresh-batch")
        @WithDefault("100")
        @Min(1)
        int batch();
    }

    /** Asking CallingBox to redeliver the webhooks it gave up on ({@link DeliveryHealer}). */
    interface Heal {

        /** How many exhausted webhook deliveries one poll asks CallingBox to redeliver at most (0: none). */
        @WithName("redeliver-batch")
        @WithDefault("20")
        @Min(0)
        int redeliverBatch();

        /** Only heal deliveries of this webhook endpoint id; all of the organisation's when unset. */
        @WithName("heal-endpoint-id")
        Optional<String> endpointId();
    }
}
