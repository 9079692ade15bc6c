package io.callingboxgateway.subscriptions;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signing secrets and signatures in the Standard Webhooks format, so a receiver can verify pushes
 * with any Standard Webhooks (or Svix) library. The HMAC key is the base64-decoded part after
 * {@code whsec_}, not the text of the secret.
 */
public final class PushSignature {

    static final String PREFIX = "whsec_";
    private static final int KEY_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private PushSignature() {}

    /** A new secret: {@code whsec_} followed by 32 random bytes in standard base64. */
    public static String newSecret() {
        byte[] key = new byte[KEY_BYTES];
        RANDOM.nextBytes(key);
        return PREFIX + Base64.getEncoder().encodeToString(key);
    }

    /**
     * @param secrets the current secret first, then any still in their grace period after a rotation
     * @return the {@code webhook-signature} header value: one {@code v1,<signature>} per secret, space
     *     separated as Standard Webhooks allows, so a receiver that knows any one of them can verify
     */
    public static String header(List<String> secrets, String webhookId, long timestamp, byte[] body) {
        return secrets.stream()
                .map(secret -> sign(secret, webhookId, timestamp, body))
                .collect(Collectors.joining(" "));
    }

    /** @return one signature, {@code v1,<base64 HMAC-SHA256 of id.timestamp.body>} */
    public static String sign(String secret, String webhookId, long timestamp, byte[] body) {
        byte[] key = Base64.getDecoder().decode(secret.substring(PREFIX.length()));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((webhookId + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
