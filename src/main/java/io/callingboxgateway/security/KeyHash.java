package io.callingboxgateway.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Issuing and hashing API keys. A key is {@code gwk_} and 256 random bits (base64url); a plain SHA-256
 * suffices to store it, since nobody can guess such a key, so no salt or slow KDF is needed (see
 * docs/decisions/0050-api-keys.md), and the hash can be looked up directly.
 */
final class KeyHash {

    static final String PREFIX = "gwk_";

    private static final SecureRandom RANDOM = new SecureRandom();

    private KeyHash() {}

    static String newKey() {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    static byte[] of(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
