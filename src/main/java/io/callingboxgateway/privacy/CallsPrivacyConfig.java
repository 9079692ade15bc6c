package io.callingboxgateway.privacy;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/**
 * How long calls keep their personal data, and how long they are kept at all (docs/decisions/0065).
 * A call's age is the time since its last change: its {@code updated_at}, or its {@code created_at} when
 * CallingBox sent none (CallAge).
 */
@ConfigMapping(prefix = "gateway.calls")
public interface CallsPrivacyConfig {

    /**
     * Calls whose last change is older than this are deleted with everything about them; {@code off}
     * keeps calls. A call this old that a poll or webhook brings back is not stored.
     */
    @WithDefault("off")
    @WithConverter(AgeLimit.Converter.class)
    AgeLimit retention();

    /**
     * Calls whose last change is older than this lose their personal data for good (numbers masked,
     * content and transcript removed) in the store and in stored events; {@code off} keeps it. A call
     * this old that a poll or webhook brings back is stored redacted.
     */
    @WithDefault("off")
    @WithConverter(AgeLimit.Converter.class)
    AgeLimit redactAfter();

    /** How many calls one sweep transaction deletes or redacts, so writers never wait on it for long. */
    @WithDefault("100")
    @Min(1)
    @Max(10_000)
    int sweepBatchSize();

    /** How often this replica sweeps (a duration such as 10m), or off to never sweep here. */
    @WithDefault("10m")
    String sweepEvery();
}
