package io.callingboxgateway.subscriptions;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Min;

/** Bounds on the subscription collection, so no list or delivery round grows without limit. */
@ConfigMapping(prefix = "gateway.subscriptions")
public interface SubscriptionLimits {

    /** How many subscriptions may exist at once; creating one more answers 409 until one is deleted. */
    @WithDefault("100")
    @Min(1)
    int max();
}
