package io.callingboxgateway.reliability;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The webhook half of {@link RequestFuzzer}'s requests: valid envelopes for new calls, the same with
 * one field given a hostile value or dropped or the body cut short, signed with the gateway's secret
 * or with a broken signature, and plain garbage.
 */
final class FuzzWebhooks {

    private static final List<String> JSON_VALUES = List.of(
            "null",
            "true",
            "0",
            "-1",
            "1e308",
            "1e999",
            "9223372036854775808",
            "3.5",
            "\"\"",
            "\"x\"",
            "\"+300000-01-01T00:00:00Z\"",
            "\"2026-13-45T99:99:99Z\"",
            "\"0000-01-01T00:00:00Z\"",
            "\"\\u0000\"",
            "\"\\ud800\"",
            "[]",
            "{}",
            "[1,{\"a\":[]}]",
            "\"not-a-uuid\"",
            "\"" + "x".repeat(70_000) + "\"",
            "\"00000000-0000-0000-0000-000000000000\"",
            "\"agt_123\"",
            "\"a_new_status\"",
            "2147483648",
            "[".repeat(3000) + "]".repeat(3000));

    private final String base;
    private final String secret;

    FuzzWebhooks(String base, String secret) {
        this.base = base;
        this.secret = secret;
    }

    /** A signed envelope with one field mutated: may legitimately store a call. */
    HttpRequest signedMutated(Random random) {
        byte[] body = mutatedEnvelope(random).getBytes(UTF_8);
        return webhook(body, signature(secret, Instant.now().getEpochSecond(), body));
    }

    /** A valid envelope for a new call under a signature that must not verify. */
    HttpRequest brokenlySigned(Random random) {
        byte[] body = envelope(random, Map.of()).getBytes(UTF_8);
        return webhook(body, brokenSignature(random, body));
    }

    /** Random bytes, unsigned or under a broken signature. */
    HttpRequest garbage(Random random, boolean signed) {
        byte[] body = garbage(random);
        return webhook(body, signed ? brokenSignature(random, body) : null);
    }

    HttpRequest webhook(byte[] body, String signatureHeader) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/webhooks/callingbox"))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (signatureHeader != null) {
            request.header("CallingBox-Signature", signatureHeader);
        }
        return request.build();
    }

    private String brokenSignature(Random random, byte[] body) {
        long now = Instant.now().getEpochSecond();
        return switch (random.nextInt(8)) {
            case 0 -> "";
            case 1 -> "t=" + now + ",v1=" + "0".repeat(64);
            case 2 -> "t=abc,v1=" + v1(secret, "abc", body);
            case 3 -> signature(secret, now - 3600, body);
            case 4 -> signature(secret, Long.MAX_VALUE, body);
            case 5 -> signature(secret + "x", now, body);
            case 6 -> "v1=" + v1(secret, Long.toString(now), body);
            default -> signature(secret, now, (new String(body, UTF_8) + " ").getBytes(UTF_8));
        };
    }

    /** One field of a valid envelope given a hostile value, dropped, or the whole body cut short. */
    private String mutatedEnvelope(Random random) {
        List<String> fields = List.of(
                "id",
                "type",
                "created",
                "api_version",
                "call.id",
                "call.status",
                "call.updated_at",
                "call.created_at",
                "call.agent_id",
                "call.to_number",
                "call.direction",
                "call.duration_seconds",
                "call.metadata",
                "call.result",
                "call.ended_at",
                "call.billing_amount_milli_cents",
                "call.new_field");
        String field = pick(random, fields);
        String value = random.nextInt(8) == 0 ? null : pick(random, JSON_VALUES);
        String envelope = envelope(random, Collections.singletonMap(field, value));
        return random.nextInt(10) == 0 ? envelope.substring(0, random.nextInt(envelope.length())) : envelope;
    }

    /** A valid envelope for a new call, with {@code overrides} (field to raw JSON value, null: dropped). */
    private static String envelope(Random random, Map<String, String> overrides) {
        Instant now = Instant.now();
        Map<String, String> call = new TreeMap<>(Map.of(
                "id",
                quoted(new UUID(random.nextLong(), random.nextLong()).toString()),
                "status",
                quoted(pick(random, List.of("queued", "in_progress", "completed", "failed"))),
                "updated_at",
                quoted(now.toString()),
                "created_at",
                quoted(now.minusSeconds(5).toString()),
                "direction",
                "\"outbound\"",
                "to_number",
                "\"+15550100001\"",
                "from_number",
                "\"+15550100002\"",
                "metadata",
                "{\"order\":\"A-17\"}"));
        Map<String, String> top = new TreeMap<>(Map.of(
                "id", quoted(new UUID(random.nextLong(), random.nextLong()).toString()),
                "type",
                        quoted(pick(
                                random, List.of("call.queued", "call.completed", "call.failed", "call.in_progress"))),
                "created", Long.toString(now.getEpochSecond()),
                "api_version", "\"2026-04\""));
        overrides.forEach((field, value) -> {
            Map<String, String> target = field.startsWith("call.") ? call : top;
            String name = field.startsWith("call.") ? field.substring(5) : field;
            if (value == null) {
                target.remove(name);
            } else {
                target.put(name, value);
            }
        });
        top.put("data", "{\"call\":" + object(call) + "}");
        return object(top);
    }

    private static String object(Map<String, String> fields) {
        StringBuilder json = new StringBuilder("{");
        fields.forEach((name, value) -> json.append(json.length() > 1 ? "," : "")
                .append(quoted(name))
                .append(':')
                .append(value));
        return json.append('}').toString();
    }

    static byte[] garbage(Random random) {
        byte[] bytes = new byte[random.nextInt(2048)];
        random.nextBytes(bytes);
        return bytes;
    }

    private static String signature(String secret, long t, byte[] body) {
        return "t=" + t + ",v1=" + v1(secret, Long.toString(t), body);
    }

    private static String v1(String secret, String t, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(UTF_8), "HmacSHA256"));
            mac.update((t + ".").getBytes(UTF_8));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String quoted(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static <T> T pick(Random random, List<T> choices) {
        return choices.get(random.nextInt(choices.size()));
    }
}
