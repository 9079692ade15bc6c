-- Subscription signing secrets encrypted at rest, and rotated with a grace period (docs/decisions/0051).
--
-- The key is not readable from SQL, so the gateway itself encrypts the secrets still in plain text when
-- it starts (SigningSecrets): it fills signing_secret_encrypted and empties signing_secret, row by row.
-- A sealed secret is key id (1 byte) | nonce (12) | AES-256-GCM ciphertext and tag, bound to the row's id.
ALTER TABLE subscription
    ALTER COLUMN signing_secret DROP NOT NULL,
    ADD COLUMN signing_secret_encrypted bytea,
    -- The secret replaced by the last rotation: pushes are signed with it too until the grace period ends.
    ADD COLUMN previous_secret_encrypted bytea,
    ADD COLUMN previous_secret_expires_at timestamptz,
    ADD CONSTRAINT subscription_signing_secret_present
        CHECK (signing_secret IS NOT NULL OR signing_secret_encrypted IS NOT NULL);

COMMENT ON COLUMN subscription.signing_secret IS
    'Plain text, only until the gateway encrypts it into signing_secret_encrypted at startup';
