package io.callingboxgateway.reconcile;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "gateway.reconcile")
public interface ReconcileConfig {

    /**
     * How long after its upstream updated_at a change may still be reported by a webhook; a poll that
     * finds a change older than this counts it as a missed webhook.
     */
    @WithDefault("5m")
    Duration missedWebhookGrace();
}
