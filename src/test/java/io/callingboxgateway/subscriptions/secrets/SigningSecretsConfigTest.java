package io.callingboxgateway.subscriptions.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The check that makes the gateway refuse to start with a malformed GATEWAY_SECRETS_KEY. */
class SigningSecretsConfigTest {

    @Test
    void aMalformedKeyRefusesStartNamingTheSetting() {
        IllegalStateException tooShort = assertThrows(
                IllegalStateException.class,
                () -> SigningSecrets.configuredKey(
                        Optional.of(Base64.getEncoder().encodeToString(new byte[16]))));
        assertTrue(tooShort.getMessage().contains("GATEWAY_SECRETS_KEY"), tooShort.getMessage());
        assertTrue(tooShort.getMessage().contains("16 bytes"), tooShort.getMessage());

        IllegalStateException notBase64 = assertThrows(
                IllegalStateException.class, () -> SigningSecrets.configuredKey(Optional.of("my-secret-key")));
        assertTrue(notBase64.getMessage().contains("not valid base64"), notBase64.getMessage());
    }

    @Test
    void aWellFormedKeyIsUsedAndAnUnsetOrBlankOneMeansTheDatabaseKey() {
        byte[] key = new byte[32];
        key[0] = 7;

        assertEquals(
                7,
                SigningSecrets.configuredKey(Optional.of(Base64.getEncoder().encodeToString(key)))
                        .orElseThrow()[0]);
        assertTrue(SigningSecrets.configuredKey(Optional.empty()).isEmpty());
        assertTrue(SigningSecrets.configuredKey(Optional.of("  ")).isEmpty());
    }
}
