package io.callingboxgateway.subscriptions;

import java.time.Instant;
import java.util.UUID;

/**
 * The answer to a rotation: the new signing secret, shown only this once.
 *
 * @param previousSecretExpiresAt until when pushes also carry a signature with the replaced secret;
 *     null when the grace period is zero
 */
public record SecretRotation(UUID id, String signingSecret, Instant previousSecretExpiresAt) {

    @Override
    public String toString() {
        return "SecretRotation[" + id + "]";
    }
}
