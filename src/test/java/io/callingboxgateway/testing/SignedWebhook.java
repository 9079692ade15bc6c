package io.callingboxgateway.testing;

import static io.restassured.RestAssured.given;
import static java.nio.charset.StandardCharsets.UTF_8;

import io.restassured.response.ValidatableResponse;
import java.time.Instant;
import java.util.HexFormat;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Builds CallingBox webhook deliveries as CallingBox would send them, and signs them with its own
 * HMAC code (javax.crypto directly), independent of the gateway's verifier.
 */
public final class SignedWebhook {

    public static final String CURRENT_SECRET = "whsec_test_current";
    public static final String PREVIOUS_SECRET = "whsec_test_previous";
    public static final String PATH = "/webhooks/callingbox";

    private SignedWebhook() {}

    /** A complete envelope for one call in the given state, as CallingBox documents it. */
    public static String envelope(UUID eventId, String type, UUID callId, String status, Instant updatedAt) {
        boolean ended = switch (status) {
            case "completed", "failed", "no_answer", "busy", "canceled" -> true;
            default -> false;
        };
        return """
                {"id": "%s", "type": "%s", "created": %d, "api_version": "2026-04",
                 "data": {"call": {
                   "id": "%s", "agent_id": null, "to_number": "+15550100001", "from_number": "+15550100002",
                   "status": "%s", "direction": "outbound", "persona": null, "instructions": "Confirm the booking",
                   "context": {}, "returns": {}, "result": null, "result_status": "pending", "result_error": null,
                   "language": "en", "webhook_url": null, "webhook_status": "pending", "webhook_error": null,
                   "created_at": "2026-11-28T10:00:00Z", "started_at": "2026-11-28T10:00:02Z",
                   "answered_at": null, "ended_at": %s, "duration_seconds": null,
                   "billed_duration_seconds": null, "billing_amount_milli_cents": null,
                   "reservation_status": "reserved", "error_code": null, "error_message": null,
                   "hangup_cause": null, "metadata": {"order": "A-17"}, "updated_at": "%s"}}}
                """.formatted(
                        eventId,
                        type,
                        updatedAt.getEpochSecond(),
                        callId,
                        status,
                        ended ? "\"" + updatedAt + "\"" : "null",
                        updatedAt);
    }

    /** The CallingBox-Signature header value for these exact bytes, signed at {@code t}. */
    public static String signature(String secret, long t, byte[] body) {
        return "t=" + t + ",v1=" + v1(secret, Long.toString(t), body);
    }

    /** Just the hex HMAC-SHA256 of {@code "<t>." + body}, keyed with the whole secret string. */
    public static String v1(String secret, String t, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(UTF_8), "HmacSHA256"));
            mac.update((t + ".").getBytes(UTF_8));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static long now() {
        return Instant.now().getEpochSecond();
    }

    /** POSTs the bytes as CallingBox does: JSON, signed now with the current secret. */
    public static ValidatableResponse post(byte[] body) {
        return post(body, signature(CURRENT_SECRET, now(), body));
    }

    public static ValidatableResponse post(String body) {
        return post(body.getBytes(UTF_8));
    }

    public static ValidatableResponse post(byte[] body, String signatureHeader) {
        return given().contentType("application/json")
                .header("CallingBox-Signature", signatureHeader)
                .body(body)
                .when()
                .post(PATH)
                .then()
                .log()
                .ifValidationFails();
    }
}
