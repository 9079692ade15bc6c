package io.callingboxgateway.privacy.erasure;

import io.callingboxgateway.keys.SharedKeys;
import io.callingboxgateway.subscriptions.secrets.SecretBox;
import io.callingboxgateway.subscriptions.secrets.SecretsKeyConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key of the HMAC that stands for a phone number in the erasure audit, so a repeated request for a
 * number is recognised without the number being kept. The same two sources as the other keys: derived
 * from {@code GATEWAY_SECRETS_KEY} when it is set (then a copy of the database alone cannot be used to
 * test guessed numbers), otherwise a key generated once and kept in {@code gateway_key} for every
 * replica (as calls/CursorKey does). Records made under the stored key stay recognisable once a key is
 * configured: a number is looked up under both.
 */
@ApplicationScoped
class ErasureKey {

    /** Which key made a hash, as {@code erasure.number_hash_key} records it. */
    static final String CONFIGURED = "configured";

    static final String STORED = "stored";

    /** The name of the generated key in {@code gateway_key}. */
    static final String STORED_NAME = "erasure-number-mac";

    private static final String ALGORITHM = "HmacSHA256";
    private static final byte[] DERIVATION_LABEL =
            "callingbox-gateway erasure number mac v1".getBytes(StandardCharsets.UTF_8);

    /** One number's hash under one key. */
    record Hash(String key, String value) {}

    private final Optional<SecretKeySpec> configured;
    private final SecretKeySpec stored;

    ErasureKey(SecretsKeyConfig config, SharedKeys sharedKeys) {
        this.configured = config.secretsKey()
                .filter(value -> !value.isBlank())
                .map(value -> SecretBox.parseKey("GATEWAY_SECRETS_KEY (gateway.secrets-key)", value))
                // A key of its own, derived: the AES key itself is never used for a second purpose.
                .map(secretsKey ->
                        new SecretKeySpec(mac(new SecretKeySpec(secretsKey, ALGORITHM), DERIVATION_LABEL), ALGORITHM));
        this.stored = new SecretKeySpec(sharedKeys.getOrCreate(STORED_NAME, 32), ALGORITHM);
    }

    /** The hash a new audit record keeps: under the configured key when there is one. */
    Hash current(String number) {
        return configured.map(key -> hash(CONFIGURED, key, number)).orElseGet(() -> hash(STORED, stored, number));
    }

    /** The number's hash under every key an earlier record may have used. */
    List<Hash> all(String number) {
        List<Hash> hashes = new ArrayList<>(2);
        configured.ifPresent(key -> hashes.add(hash(CONFIGURED, key, number)));
        hashes.add(hash(STORED, stored, number));
        return hashes;
    }

    private static Hash hash(String name, SecretKeySpec key, String number) {
        return new Hash(name, HexFormat.of().formatHex(mac(key, number.getBytes(StandardCharsets.UTF_8))));
    }

    private static byte[] mac(SecretKeySpec key, byte[] body) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
