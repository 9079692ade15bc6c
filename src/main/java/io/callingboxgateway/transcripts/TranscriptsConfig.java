package io.callingboxgateway.transcripts;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;

/**
 * Fetching transcripts of calls that ended with a conversation. Under the {@code callingbox} prefix
 * like the client's and the poller's settings, so CALLINGBOX_TRANSCRIPTS turns it off and
 * CALLINGBOX_TRANSCRIPTS_* tune it.
 */
@ConfigMapping(prefix = "callingbox")
public interface TranscriptsConfig {

    /** CALLINGBOX_TRANSCRIPTS: on (default) or off; off too when no API key is configured. */
    @WithName("transcripts")
    @WithDefault("on")
    boolean enabled();

    /** How often a replica looks for fetches that are due. */
    @WithName("transcripts.interval")
    @WithDefault("15s")
    @DurationMin(millis = 1)
    Duration interval();

    /** Tries per call, the first right after the call ends; after the last one it is given up. */
    @WithName("transcripts.max-attempts")
    @WithDefault("6")
    @Min(1)
    int maxAttempts();

    /** Wait after the first try that found no transcript; it doubles after each further one. */
    @WithName("transcripts.retry-delay")
    @WithDefault("1m")
    @DurationMin(millis = 0)
    Duration retryDelay();

    /** How long a claimed fetch is left to its replica before another may try it again. */
    @WithName("transcripts.claim-timeout")
    @WithDefault("2m")
    @DurationMin(seconds = 1)
    Duration claimTimeout();

    /** How many due fetches one run claims at most. */
    @WithName("transcripts.batch")
    @WithDefault("20")
    @Min(1)
    int batch();
}
