package io.callingboxgateway.webhook;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.hibernate.validator.constraints.time.DurationMin;

/**
 * The webhook endpoint's settings. Each is checked where it is declared (Bean Validation, run by SmallRye
 * Config as the application starts), so a value out of range stops the start with a message that names it.
 */
@ConfigMapping(prefix = "callingbox.webhook")
public interface WebhookConfig {

    /**
     * Signing secrets ({@code whsec_...}) a CallingBox-Signature may be made with, comma-separated; list
     * the new and the old one together during a rotation. Set it through CALLINGBOX_WEBHOOK_SECRETS only.
     */
    Optional<List<String>> secrets();

    /** How far the signed timestamp may lie from the gateway's clock, in either direction. */
    @WithDefault("300s")
    @DurationMin(seconds = 0, message = "must not be negative")
    Duration tolerance();

    /** The largest webhook body accepted; a larger one is answered 413 while it is still arriving. */
    @WithDefault("256K")
    @BodySizeLimit
    MemorySize maxBodySize();

    /**
     * How long the whole body may take to arrive once the headers passed; a slower one is answered 408
     * and its connection closed, so a trickling client cannot hold a connection open.
     */
    @WithDefault("10s")
    @DurationMin(nanos = 1, message = "must be positive")
    Duration bodyTimeout();

    /**
     * How long the ids of received webhooks are kept to recognise redeliveries; at least 72h, since
     * CallingBox retries a delivery for about 42 hours.
     */
    @WithDefault("7d")
    @DurationMin(
            hours = 72,
            message = "must be at least 72h: CallingBox redelivers a webhook for about 42 hours, and a shorter"
                    + " retention would apply a redelivery twice")
    Duration dedupRetention();

    /** How often receipts older than the dedup retention are deleted. */
    @WithDefault("1h")
    Duration dedupCleanupEvery();

    /** How many expired receipts one cleanup transaction deletes. */
    @WithDefault("1000")
    @Min(1)
    int dedupCleanupBatchSize();

    /** The configured secrets without blanks or surrounding spaces (no whsec_ secret contains either). */
    default List<String> signingSecrets() {
        return secrets().orElse(List.of()).stream()
                .map(String::trim)
                .filter(secret -> !secret.isEmpty())
                .toList();
    }
}
