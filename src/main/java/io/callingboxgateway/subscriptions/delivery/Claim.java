package io.callingboxgateway.subscriptions.delivery;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A subscription leased to one replica for delivery, as it was when claimed. Every write of the
 * delivery is guarded by {@code owner} and {@code version}: it lands only while this lease is held
 * and nobody edited the subscription meanwhile.
 */
public record Claim(
        UUID subscriptionId,
        String owner,
        long version,
        String url,
        List<String> eventTypes,
        String signingSecret,
        long position,
        Instant leaseUntil) {

    @Override
    public String toString() {
        return "Claim[" + subscriptionId + " by " + owner + " at " + position + "]";
    }
}
