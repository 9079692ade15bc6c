package io.callingboxgateway.subscriptions.delivery;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "gateway")
public interface DeadLetterConfig {

    /**
     * How long a dead letter is kept (and with it, its event and every later one, so it can still be
     * replayed) unless it is redriven or its subscription deleted first.
     */
    @WithDefault("30d")
    Duration deadLetterRetention();
}
