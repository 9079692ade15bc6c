package io.callingboxgateway.webhook;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

@ConfigMapping(prefix = "callingbox.webhook")
public interface WebhookConfig {

    /** The shortest dedup retention allowed: CallingBox retries a delivery for about 42 hours. */
    Duration MINIMUM_DEDUP_RETENTION = Duration.ofHours(72);

    /**
     * Signing secrets ({@code whsec_...}) a CallingBox-Signature may be made with, comma-separated; list
     * the new and the old one together during a rotation. Set it through CALLINGBOX_WEBHOOK_SECRETS only.
     */
    Optional<List<String>> secrets();

    /** How far the signed timestamp may lie from the gateway's clock, in either direction. */
    @WithDefault("300s")
    Duration tolerance();

    /** The largest webhook body accepted; a larger one is answered 413 while it is still arriving. */
    @WithDefault("256K")
    MemorySize maxBodySize();

    /**
     * How long the whole body may take to arrive once the headers passed; a slower one is answered 408
     * and its connection closed, so a trickling client cannot hold a connection open.
     */
    @WithDefault("10s")
    Duration bodyTimeout();

    /** How long the ids of received webhooks are kept to recognise redeliveries; at least 72h. */
    @WithDefault("7d")
    Duration dedupRetention();

    /** How often receipts older than the dedup retention are deleted. */
    @WithDefault("1h")
    Duration dedupCleanupEvery();

    /** How many expired receipts one cleanup transaction deletes. */
    @WithDefault("1000")
    int dedupCleanupBatchSize();

    /** The configured secrets without blanks or surrounding spaces (no whsec_ secret contains either). */
    default List<String> signingSecrets() {
        return secrets().orElse(List.of()).stream()
                .map(String::trim)
                .filter(secret -> !secret.isEmpty())
                .toList();
    }

    /** What is wrong with these settings, one sentence each; empty when they are usable. */
    default List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (dedupRetention().compareTo(MINIMUM_DEDUP_RETENTION) < 0) {
            problems.add(("callingbox.webhook.dedup-retention is %s but must be at least 72h: CallingBox redelivers a"
                            + " webhook for about 42 hours, and a shorter retention would apply a redelivery twice")
                    .formatted(dedupRetention()));
        }
        if (tolerance().isNegative()) {
            problems.add("callingbox.webhook.tolerance must not be negative");
        }
        long maxBody = maxBodySize().asLongValue();
        if (maxBody < 1 || maxBody > Integer.MAX_VALUE) {
            problems.add("callingbox.webhook.max-body-size must be between 1 byte and 2G");
        }
        if (bodyTimeout().isNegative() || bodyTimeout().isZero()) {
            problems.add("callingbox.webhook.body-timeout must be positive");
        }
        if (dedupCleanupBatchSize() < 1) {
            problems.add("callingbox.webhook.dedup-cleanup-batch-size must be at least 1");
        }
        return problems;
    }
}
