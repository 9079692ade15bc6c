package io.callingboxgateway.sandbox;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** What the sandbox tests share: an authorised client, a signature check written apart from the simulator's. */
final class SandboxTesting {

    static final String API = SandboxDefaults.BASE_PATH + "/v1";
    static final String HOOK_PATH = "/hooks";
    static final Set<String> TERMINAL = Set.of("completed", "no_answer", "busy", "canceled", "failed");
    static final ObjectMapper JSON = new ObjectMapper();

    private SandboxTesting() {}

    static RequestSpecification api() {
        return given().header("Authorization", "Bearer " + SandboxDefaults.API_KEY)
                .contentType("application/json");
    }

    static String placeCall(String to) {
        return api().body("{\"agent_id\": \"" + SandboxDefaults.OUTBOUND_AGENT_ID + "\", \"to\": \"" + to + "\"}")
                .post(API + "/calls")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
    }

    /** Waits until the simulator will not change the call any more, and returns it. */
    static ObjectNode awaitSettled(CallSimulator simulator, String id) {
        UUID uuid = UUID.fromString(id);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> settled(simulator.call(uuid).orElseThrow()));
        return simulator.call(uuid).orElseThrow();
    }

    static boolean settled(JsonNode call) {
        String status = call.get("status").asText();
        if (!TERMINAL.contains(status)) {
            return false;
        }
        return !"completed".equals(status)
                || !"pending".equals(call.get("result_status").asText());
    }

    /** The webhooks the receiver got for one call, in order of arrival. */
    static List<LoggedRequest> hooksFor(WireMockServer receiver, String callId) {
        List<LoggedRequest> hooks = new ArrayList<>(receiver.findAll(
                postRequestedFor(urlEqualTo(HOOK_PATH)).withHeader("X-CallingBox-Call-Id", equalTo(callId))));
        hooks.sort(Comparator.comparing(LoggedRequest::getLoggedDate));
        return hooks;
    }

    /** The JSON as a receiver parses it (so 7L and 7 compare equal). */
    static JsonNode reparsed(JsonNode node) {
        try {
            return JSON.readTree(node.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode body(LoggedRequest request) {
        return body(request.getBody());
    }

    static JsonNode body(byte[] json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Checks a {@code CallingBox-Signature} header the way a receiver following the docs would: any
     * {@code v1} equal to the HMAC-SHA256 of {@code "<t>.<raw body>"} keyed by the secret's UTF-8 bytes.
     */
    static boolean signatureValid(String secret, String header, byte[] body) {
        String timestamp = null;
        List<String> signatures = new ArrayList<>();
        for (String part : header.split(",")) {
            String[] pair = part.split("=", 2);
            if (pair[0].equals("t")) {
                timestamp = pair[1];
            } else if (pair[0].equals("v1")) {
                signatures.add(pair[1]);
            }
        }
        if (timestamp == null) {
            return false;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] signed =
                    (timestamp + "." + new String(body, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
            StringBuilder hex = new StringBuilder();
            for (byte b : mac.doFinal(signed)) {
                hex.append(String.format("%02x", b));
            }
            return signatures.contains(hex.toString());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
