package io.callingboxgateway.subscriptions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class PushSignatureTest {

    /** The test vector published with the Standard Webhooks reference libraries. */
    @Test
    void reproducesTheStandardWebhooksTestVector() {
        String signature = PushSignature.sign(
                "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                "msg_p5jXN8AQM9LWM0D4loKWxJek",
                1614265330,
                "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8));

        assertEquals("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", signature);
    }

    @Test
    void newSecretsAreWhsecAndThirtyTwoRandomBytes() {
        String one = PushSignature.newSecret();
        String two = PushSignature.newSecret();

        assertTrue(one.startsWith("whsec_"), one);
        assertEquals(32, Base64.getDecoder().decode(one.substring(6)).length);
        assertNotEquals(one, two);
    }
}
