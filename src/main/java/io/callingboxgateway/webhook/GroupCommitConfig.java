package io.callingboxgateway.webhook;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;

/**
 * How webhooks share commits (docs/decisions/0068-webhook-group-commit.md): request threads queue their
 * verified webhook, a few committer threads each take whatever is waiting and store it in one
 * transaction, and every request is answered once the commit that holds it is done.
 */
@ConfigMapping(prefix = "gateway.webhooks.group-commit")
public interface GroupCommitConfig {

    /**
     * The most webhooks one transaction stores. A committer never waits to fill a batch: alone, a
     * webhook is committed at once; under load, whatever queued during the previous commit goes together.
     */
    @WithDefault("32")
    @Min(1)
    @Max(1000)
    int maxBatch();

    /**
     * Threads that commit batches, each holding one connection of the pool while it does. More than one
     * lets a batch be written while the previous one is being flushed, and keeps intake moving while one
     * batch waits for a call that a poll is writing. Each also waits, after its commit, for the run that
     * numbers its events (ADR 0063): with too few, requests queue behind those waits.
     */
    @WithDefault("4")
    @Min(1)
    @Max(16)
    int committers();

    /** Webhooks that may wait for a committer; one more is answered 503 with Retry-After at once. */
    @WithDefault("1000")
    @Min(1)
    int queueCapacity();

    /**
     * How long a request waits for the commit that holds its webhook before it is answered 503. The
     * webhook may still commit after that; CallingBox's redelivery is then recognised as a duplicate.
     */
    @WithDefault("10s")
    @DurationMin(nanos = 1, message = "must be positive")
    Duration maxWait();
}
