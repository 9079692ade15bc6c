package io.callingboxgateway.calls;

import io.callingboxgateway.keys.SharedKeys;
import io.quarkus.runtime.Startup;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key of the MAC that makes a list cursor tamper-evident. Every replica must use the same one, or a
 * cursor issued by one replica would be refused by the next: either the operator configures it
 * (GATEWAY_CURSOR_KEY), or the first replica generates it and keeps it in the database for the others.
 * Resolved at start, so a key that is too short stops the gateway rather than a request.
 */
@Startup
@Singleton
public class CursorKey {

    static final int MINIMUM_LENGTH = 32;
    /** The name of the generated key in {@code gateway_key}. */
    static final String SHARED_NAME = "cursor-mac";

    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec key;

    @Inject
    CursorKey(CursorConfig config, SharedKeys sharedKeys) {
        this(config.cursorKey()
                .map(CursorKey::configured)
                .orElseGet(() -> sharedKeys.getOrCreate(SHARED_NAME, MINIMUM_LENGTH)));
    }

    CursorKey(byte[] key) {
        this.key = new SecretKeySpec(key, ALGORITHM);
    }

    /** The bytes of a configured key, refused (never echoed) when it is too short to be one. */
    static byte[] configured(String value) {
        if (value.length() < MINIMUM_LENGTH) {
            throw new IllegalStateException("gateway.cursor-key (GATEWAY_CURSOR_KEY) must be at least " + MINIMUM_LENGTH
                    + " characters; leave it unset to have one generated and kept in the database");
        }
        return value.getBytes(StandardCharsets.UTF_8);
    }

    /** The first {@code length} bytes of HMAC-SHA256 over {@code body}. */
    byte[] mac(byte[] body, int length) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return Arrays.copyOf(mac.doFinal(body), length);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
