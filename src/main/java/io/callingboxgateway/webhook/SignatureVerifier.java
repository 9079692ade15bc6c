package io.callingboxgateway.webhook;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks a {@code CallingBox-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>...]} header against the raw
 * body: HMAC-SHA256 over {@code "<t>." + body}, keyed with the whole secret string ({@code whsec_}
 * prefix included) as UTF-8 bytes, lowercase hex. Any {@code v1} matching any secret verifies, so a
 * rotation needs no downtime. See docs/decisions/0010-webhook-signature-key.md.
 *
 * <p>Hex is compared exactly: CallingBox sends lowercase, so an uppercase {@code v1} does not match.
 *
 * <p>{@link #screen} judges the header alone, before the body is read, so a request that cannot verify
 * (no secret, no usable header, a timestamp outside the window) is refused without reading its body.
 * {@link #verify} then checks the HMAC over the body, and the window once more.
 */
public final class SignatureVerifier {

    private static final String ALGORITHM = "HmacSHA256";
    /** Unix seconds: digits only, and few enough to fit a long. */
    private static final Pattern TIMESTAMP = Pattern.compile("[0-9]{1,18}");

    private static final HexFormat HEX = HexFormat.of();

    private final List<SecretKeySpec> keys;
    private final long toleranceSeconds;
    private final Clock clock;

    public SignatureVerifier(List<String> secrets, Duration tolerance, Clock clock) {
        this.keys = secrets.stream()
                .map(secret -> new SecretKeySpec(secret.getBytes(UTF_8), ALGORITHM))
                .toList();
        this.toleranceSeconds = tolerance.toSeconds();
        this.clock = clock;
    }

    public enum Result {
        VERIFIED,
        /** No secret is configured, so nothing can verify. */
        NO_SECRETS,
        /** The header is missing, or lacks a numeric {@code t} or any {@code v1}. */
        MALFORMED,
        /** No {@code v1} matches any configured secret. */
        MISMATCH,
        /** The signature matches but was made too long ago, or too far in the future. */
        OUTSIDE_WINDOW
    }

    /**
     * @param secretIndex position in the configured list of the secret that matched, or -1
     * @param skewSeconds |now - t| for a matching signature, or -1
     */
    public record Verification(Result result, int secretIndex, long skewSeconds) {

        static Verification failed(Result result) {
            return new Verification(result, -1, -1);
        }
    }

    /**
     * What can be told from the header alone: {@link Result#NO_SECRETS}, {@link Result#MALFORMED} or
     * {@link Result#OUTSIDE_WINDOW} when the request can never verify, else null (the body decides).
     */
    public Result screen(String header) {
        if (keys.isEmpty()) {
            return Result.NO_SECRETS;
        }
        SignatureHeader signature = SignatureHeader.parse(header);
        if (signature == null) {
            return Result.MALFORMED;
        }
        return skewSeconds(signature) <= toleranceSeconds ? null : Result.OUTSIDE_WINDOW;
    }

    public Verification verify(String header, byte[] body) {
        if (keys.isEmpty()) {
            return Verification.failed(Result.NO_SECRETS);
        }
        SignatureHeader signature = SignatureHeader.parse(header);
        if (signature == null) {
            return Verification.failed(Result.MALFORMED);
        }
        int matched = matchingSecret(signature, body);
        if (matched < 0) {
            return Verification.failed(Result.MISMATCH);
        }
        long skew = skewSeconds(signature);
        Result result = skew <= toleranceSeconds ? Result.VERIFIED : Result.OUTSIDE_WINDOW;
        return new Verification(result, matched, skew);
    }

    private long skewSeconds(SignatureHeader signature) {
        return Math.abs(clock.instant().getEpochSecond() - Long.parseLong(signature.timestamp()));
    }

    private int matchingSecret(SignatureHeader signature, byte[] body) {
        // the timestamp exactly as sent: it is part of the signed bytes
        byte[] prefix = (signature.timestamp() + ".").getBytes(US_ASCII);
        for (int i = 0; i < keys.size(); i++) {
            byte[] expected = HEX.formatHex(hmac(keys.get(i), prefix, body)).getBytes(US_ASCII);
            for (String candidate : signature.v1()) {
                // constant time: how much of a guess matched must not show in the response time
                if (MessageDigest.isEqual(expected, candidate.getBytes(US_ASCII))) {
                    return i;
                }
            }
        }
        return -1;
    }

    private static byte[] hmac(SecretKeySpec key, byte[] prefix, byte[] body) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            mac.update(prefix);
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }

    /** The parts of the header that matter; other keys (a future {@code v2}) are ignored. */
    private record SignatureHeader(String timestamp, List<String> v1) {

        static SignatureHeader parse(String header) {
            if (header == null) {
                return null;
            }
            String timestamp = null;
            List<String> v1 = new ArrayList<>();
            for (String part : header.split(",")) {
                int eq = part.indexOf('=');
                if (eq < 0) {
                    continue;
                }
                String key = part.substring(0, eq).trim();
                String value = part.substring(eq + 1).trim();
                if (key.equals("t")) {
                    if (timestamp != null || !TIMESTAMP.matcher(value).matches()) {
                        return null;
                    }
                    timestamp = value;
                } else if (key.equals("v1") && !value.isEmpty()) {
                    v1.add(value);
                }
            }
            return timestamp == null || v1.isEmpty() ? null : new SignatureHeader(timestamp, v1);
        }
    }
}
