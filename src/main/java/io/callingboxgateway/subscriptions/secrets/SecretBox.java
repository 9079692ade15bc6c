package io.callingboxgateway.subscriptions.secrets;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.stream.Collectors;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM with a one-byte key id, so the key can change later without guessing which one sealed
 * a value. A sealed value is {@code key id (1) | nonce (12) | ciphertext | tag (16)}; the key id is
 * authenticated with the caller's associated data, so neither can be altered unnoticed.
 */
public final class SecretBox {

    public static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte sealingKeyId;
    private final Map<Byte, SecretKeySpec> keys;

    /**
     * @param sealingKeyId the key new values are sealed with
     * @param keys every key that may have sealed a stored value, by id; each 32 bytes
     */
    public SecretBox(byte sealingKeyId, Map<Byte, byte[]> keys) {
        if (!keys.containsKey(sealingKeyId)) {
            throw new IllegalArgumentException("no key with id " + sealingKeyId);
        }
        keys.forEach((id, key) -> {
            if (key.length != KEY_BYTES) {
                throw new IllegalArgumentException("key " + id + " has " + key.length + " bytes, not " + KEY_BYTES);
            }
        });
        this.sealingKeyId = sealingKeyId;
        this.keys = Map.copyOf(keys.entrySet().stream()
                .collect(Collectors.toMap(
                        Map.Entry::getKey, e -> new SecretKeySpec(e.getValue().clone(), "AES"))));
    }

    /** Encrypts under the sealing key with a fresh random nonce: sealing the same value twice differs. */
    public byte[] seal(byte[] plaintext, byte[] associatedData) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, keys.get(sealingKeyId), nonce);
            cipher.updateAAD(header(sealingKeyId, associatedData));
            byte[] sealed = cipher.doFinal(plaintext);
            return ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length)
                    .put(sealingKeyId)
                    .put(nonce)
                    .put(sealed)
                    .array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every JDK", e);
        }
    }

    /**
     * @throws Unreadable when the value was not sealed by a key this box holds, with this associated
     *     data, or was altered since
     */
    public byte[] open(byte[] sealed, byte[] associatedData) {
        if (sealed == null || sealed.length < 1 + NONCE_BYTES + TAG_BITS / 8) {
            throw new Unreadable("too short to be a sealed value");
        }
        byte keyId = sealed[0];
        SecretKeySpec key = keys.get(keyId);
        if (key == null) {
            throw new Unreadable("sealed with key id " + keyId + ", which is not configured");
        }
        try {
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, key, Arrays.copyOfRange(sealed, 1, 1 + NONCE_BYTES));
            cipher.updateAAD(header(keyId, associatedData));
            return cipher.doFinal(sealed, 1 + NONCE_BYTES, sealed.length - 1 - NONCE_BYTES);
        } catch (AEADBadTagException e) {
            throw new Unreadable("the key or associated data does not match, or the value was altered");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every JDK", e);
        }
    }

    /** The id of the key that sealed this value. */
    public static byte keyId(byte[] sealed) {
        return sealed[0];
    }

    /**
     * Reads a configured key: standard base64 of exactly 32 bytes.
     *
     * @param name what to call the setting in the message (the message never repeats the value)
     * @throws IllegalArgumentException saying what is wrong with it
     */
    public static byte[] parseKey(String name, String base64) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    name + " is not valid base64; it must be base64 of 32 random bytes, e.g. from"
                            + " `openssl rand -base64 32`");
        }
        if (key.length != KEY_BYTES) {
            throw new IllegalArgumentException(name + " decodes to " + key.length
                    + " bytes; it must be base64 of exactly 32 random bytes, e.g. from `openssl rand -base64 32`");
        }
        return key;
    }

    private static byte[] header(byte keyId, byte[] associatedData) {
        return ByteBuffer.allocate(1 + associatedData.length)
                .put(keyId)
                .put(associatedData)
                .array();
    }

    private static Cipher cipher(int mode, SecretKeySpec key, byte[] nonce) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
        return cipher;
    }

    /** A sealed value this box cannot open. */
    public static final class Unreadable extends RuntimeException {
        Unreadable(String message) {
            super(message);
        }
    }
}
