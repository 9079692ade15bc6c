package io.callingboxgateway.subscriptions.secrets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SecretBoxTest {

    private static final byte[] KEY_A = key(1);
    private static final byte[] KEY_B = key(2);
    private static final byte[] SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".getBytes(StandardCharsets.UTF_8);
    private static final byte[] ROW_1 = "subscription-signing-secret:row-1".getBytes(StandardCharsets.UTF_8);
    private static final byte[] ROW_2 = "subscription-signing-secret:row-2".getBytes(StandardCharsets.UTF_8);

    private final SecretBox box = new SecretBox((byte) 1, Map.of((byte) 1, KEY_A));

    @Test
    void opensWhatItSealedAndTheCiphertextDoesNotContainTheSecret() {
        byte[] sealed = box.seal(SECRET, ROW_1);

        assertArrayEquals(SECRET, box.open(sealed, ROW_1));
        assertEquals(1 + 12 + SECRET.length + 16, sealed.length, "key id, nonce, ciphertext, tag");
        assertEquals(1, SecretBox.keyId(sealed));
        assertFalse(new String(sealed, StandardCharsets.ISO_8859_1).contains("whsec_"));
    }

    @Test
    void everySealingUsesAFreshNonce() {
        byte[] one = box.seal(SECRET, ROW_1);
        byte[] two = box.seal(SECRET, ROW_1);

        assertFalse(Arrays.equals(Arrays.copyOfRange(one, 1, 13), Arrays.copyOfRange(two, 1, 13)));
        assertFalse(Arrays.equals(one, two));
    }

    @Test
    void anyAlteredByteIsDetected() {
        byte[] sealed = box.seal(SECRET, ROW_1);
        // The key id, a nonce byte, a ciphertext byte and a tag byte.
        for (int index : new int[] {0, 5, 13, sealed.length - 1}) {
            byte[] tampered = sealed.clone();
            tampered[index] ^= 0x01;
            assertThrows(SecretBox.Unreadable.class, () -> box.open(tampered, ROW_1), "byte " + index);
        }
        assertThrows(SecretBox.Unreadable.class, () -> box.open(Arrays.copyOf(sealed, sealed.length - 1), ROW_1));
        assertThrows(SecretBox.Unreadable.class, () -> box.open(new byte[10], ROW_1));
    }

    @Test
    void aCiphertextMovedToAnotherRowDoesNotOpen() {
        byte[] sealed = box.seal(SECRET, ROW_1);

        assertThrows(SecretBox.Unreadable.class, () -> box.open(sealed, ROW_2));
    }

    @Test
    void anotherKeyDoesNotOpenIt() {
        byte[] sealed = box.seal(SECRET, ROW_1);

        SecretBox sameIdOtherKey = new SecretBox((byte) 1, Map.of((byte) 1, KEY_B));
        assertThrows(SecretBox.Unreadable.class, () -> sameIdOtherKey.open(sealed, ROW_1));
        SecretBox otherId = new SecretBox((byte) 2, Map.of((byte) 2, KEY_A));
        SecretBox.Unreadable unknown = assertThrows(SecretBox.Unreadable.class, () -> otherId.open(sealed, ROW_1));
        assertTrue(unknown.getMessage().contains("key id 1"), unknown.getMessage());
    }

    @Test
    void aBoxWithTwoKeysSealsWithOneAndOpensBoth() {
        byte[] old = box.seal(SECRET, ROW_1);
        SecretBox both = new SecretBox((byte) 2, Map.of((byte) 1, KEY_A, (byte) 2, KEY_B));

        byte[] resealed = both.seal(both.open(old, ROW_1), ROW_1);

        assertEquals(2, SecretBox.keyId(resealed));
        assertArrayEquals(SECRET, both.open(resealed, ROW_1));
        assertThrows(SecretBox.Unreadable.class, () -> box.open(resealed, ROW_1));
    }

    @Test
    void aKeyIsBase64OfExactlyThirtyTwoBytes() {
        String openssl = Base64.getEncoder().encodeToString(KEY_A);

        assertArrayEquals(KEY_A, SecretBox.parseKey("K", openssl));
        assertArrayEquals(KEY_A, SecretBox.parseKey("K", " " + openssl + "\n"));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"not base64 at all!", "c2hvcnQ=", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
            })
    void anythingElseIsRefusedWithoutRepeatingTheValue(String value) {
        IllegalArgumentException refused =
                assertThrows(IllegalArgumentException.class, () -> SecretBox.parseKey("GATEWAY_SECRETS_KEY", value));

        assertTrue(refused.getMessage().startsWith("GATEWAY_SECRETS_KEY "), refused.getMessage());
        assertTrue(refused.getMessage().contains("32"), refused.getMessage());
        assertFalse(refused.getMessage().contains(value), refused.getMessage());
    }

    private static byte[] key(int seed) {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) seed);
        return key;
    }
}
