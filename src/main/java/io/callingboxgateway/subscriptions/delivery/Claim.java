package io.callingboxgateway.subscriptions.delivery;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A subscription leased to one replica for delivery, as it was when claimed. Every write of the
 * delivery is guarded by {@code owner} and {@code version}: it lands only while this lease is held
 * and nobody edited the subscription meanwhile. {@code owner} names one claim, not just the replica
 * (for example {@code gateway-7c9/1a2b3c4d#812}): a replica that claims the same subscription again
 * must not be able to release the newer claim with the older one.
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
