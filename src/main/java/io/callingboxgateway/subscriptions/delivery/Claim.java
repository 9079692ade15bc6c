package io.callingboxgateway.subscriptions.delivery;

import io.callingboxgateway.events.EventFormat;
import io.callingboxgateway.subscriptions.PushSignature;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A subscription leased to one replica for delivery, as it was when claimed. Every write of the
 * delivery is guarded by {@code owner} and {@code version}: it lands only while this lease is held
 * and nobody edited the subscription meanwhile. {@code owner} names one claim, not just the replica
 * (for example {@code gateway-7c9/1a2b3c4d#812}): a replica that claims the same subscription again
 * must not be able to release the newer claim with the older one.
 *
 * @param includePersonalData whether pushes carry personal data unmasked (model/Redaction)
 * @param format how pushes are written
 * @param wantedTypes the event types the subscriber wants; empty when it wants every type
 * @param signingSecret the current secret, decrypted
 * @param previousSecret the secret a rotation replaced, or null
 * @param previousSecretExpiresAt until when pushes are signed with {@code previousSecret} too
 */
record Claim(
        UUID subscriptionId,
        String owner,
        long version,
        String url,
        boolean includePersonalData,
        EventFormat format,
        List<String> wantedTypes,
        String signingSecret,
        String previousSecret,
        Instant previousSecretExpiresAt,
        long position,
        Instant leaseUntil) {

    /**
     * The {@code webhook-signature} of one push: signed with the current secret, and with the replaced
     * one while its grace period runs at {@code timestamp} (a claim can outlive the grace period).
     */
    public String signature(String webhookId, long timestamp, byte[] body) {
        return PushSignature.header(secretsAt(Instant.ofEpochSecond(timestamp)), webhookId, timestamp, body);
    }

    List<String> secretsAt(Instant at) {
        boolean inGrace =
                previousSecret != null && previousSecretExpiresAt != null && at.isBefore(previousSecretExpiresAt);
        return inGrace ? List.of(signingSecret, previousSecret) : List.of(signingSecret);
    }

    @Override
    public String toString() {
        return "Claim[" + subscriptionId + " by " + owner + " at " + position + "]";
    }
}
