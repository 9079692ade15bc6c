package io.callingboxgateway.sandbox;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.serverError;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static io.callingboxgateway.sandbox.SandboxTesting.API;
import static io.callingboxgateway.sandbox.SandboxTesting.HOOK_PATH;
import static io.callingboxgateway.sandbox.SandboxTesting.api;
import static io.callingboxgateway.sandbox.SandboxTesting.body;
import static io.callingboxgateway.sandbox.SandboxTesting.hooksFor;
import static io.callingboxgateway.sandbox.SandboxTesting.placeCall;
import static io.callingboxgateway.sandbox.SandboxTesting.signatureValid;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.callingboxgateway.testing.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Webhooks leave the simulator exactly as CallingBox sends them, are retried on the documented
 * (compressed) schedule, and suffer the configured faults. The receiver is a WireMock on a dynamic port.
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class WebhookSenderTest {

    static final String SECRET = SandboxDefaults.WEBHOOK_SECRET;
    static WireMockServer receiver;

    @Inject
    CallSimulator simulator;

    @Inject
    WebhookSender webhooks;

    @Inject
    SimulatorClock clock;

    @BeforeAll
    static void startReceiver() {
        receiver = new WireMockServer(options().dynamicPort());
        receiver.start();
    }

    @AfterAll
    static void stopReceiver() {
        receiver.stop();
    }

    @BeforeEach
    void freshSimulatorAndReceiver() {
        simulator.reset();
        receiver.resetAll();
        receiver.stubFor(post(urlEqualTo(HOOK_PATH)).willReturn(ok()));
        webhooks.endpoint(true, URI.create(receiver.baseUrl() + HOOK_PATH));
    }

    @Test
    void aWebhookIsTheDocumentedEnvelopeWithTheDocumentedHeadersAndAValidSignature() {
        String id = placeCall("+15550100005");
        List<LoggedRequest> hooks = awaitHooks(id, 2);

        for (LoggedRequest hook : hooks) {
            JsonNode envelope = body(hook);
            assertEquals(List.of("id", "type", "created", "api_version", "data"), fieldNames(envelope));
            assertEquals(List.of("call"), fieldNames(envelope.get("data")));
            assertEquals("2026-04", envelope.get("api_version").asText());
            assertTrue(envelope.get("created").isIntegralNumber());
            long created = envelope.get("created").asLong();
            assertTrue(Math.abs(Instant.now().getEpochSecond() - created) < 60, "created is unix seconds");
            assertEquals(id, envelope.get("data").get("call").get("id").asText());

            assertEquals("application/json", hook.getHeader("Content-Type"));
            assertEquals(envelope.get("id").asText(), hook.getHeader("CallingBox-Event-Id"));
            assertEquals(envelope.get("type").asText(), hook.getHeader("CallingBox-Event-Type"));
            assertEquals(envelope.get("type").asText(), hook.getHeader("X-CallingBox-Event"));
            assertEquals(id, hook.getHeader("X-CallingBox-Call-Id"));

            String signature = hook.getHeader("CallingBox-Signature");
            assertTrue(signature.matches("t=\\d+,v1=[0-9a-f]{64}"), signature);
            long signedAt = Long.parseLong(signature.substring(2, signature.indexOf(',')));
            assertTrue(Math.abs(Instant.now().getEpochSecond() - signedAt) <= 300);
            assertTrue(signatureValid(SECRET, signature, hook.getBody()), "signature verifies");
            assertFalse(signatureValid(SECRET + "x", signature, hook.getBody()));
        }
        assertEquals(
                List.of("call.busy", "call.queued"),
                hooks.stream()
                        .map(h -> h.getHeader("CallingBox-Event-Type"))
                        .sorted()
                        .toList());
    }

    @Test
    void aSuccessfulDeliveryIsRecordedAsDelivered() {
        String id = placeCall("+15550100005");
        awaitHooks(id, 2);
        await().until(() -> deliveriesOf(id).getList("data.status").equals(List.of("delivered", "delivered")));
        JsonPath deliveries = deliveriesOf(id);
        assertEquals(List.of(1, 1), deliveries.getList("data.attempt_count"));
        assertEquals(List.of(200, 200), deliveries.getList("data.last_response_status"));
        assertEquals(
                2,
                deliveries.getList("data.delivered_at").stream()
                        .filter(d -> d != null)
                        .count());
    }

    @Test
    void failuresAreRetriedOnTheScheduleUntilExhaustedAfterTheEighthAttempt() {
        receiver.stubFor(post(urlEqualTo(HOOK_PATH)).willReturn(serverError()));
        String id = placeCall("+15550100005");

        await().atMost(Duration.ofSeconds(60))
                .until(() -> deliveriesOf(id).getList("data.status").equals(List.of("exhausted", "exhausted")));
        JsonPath deliveries = deliveriesOf(id);
        assertEquals(List.of(8, 8), deliveries.getList("data.attempt_count"));
        assertEquals(List.of(500, 500), deliveries.getList("data.last_response_status"));
        assertEquals(
                List.of("receiver answered HTTP 500", "receiver answered HTTP 500"),
                deliveries.getList("data.last_error"));
        assertEquals(
                2,
                deliveries.getList("data.next_attempt_at").stream()
                        .filter(d -> d == null)
                        .count());

        Map<String, List<LoggedRequest>> attemptsByEvent =
                hooksFor(receiver, id).stream().collect(Collectors.groupingBy(h -> h.getHeader("CallingBox-Event-Id")));
        assertEquals(2, attemptsByEvent.size());
        for (List<LoggedRequest> attempts : attemptsByEvent.values()) {
            assertEquals(8, attempts.size(), "one immediate attempt and seven retries");
            assertEquals(
                    1,
                    attempts.stream()
                            .map(LoggedRequest::getBodyAsString)
                            .distinct()
                            .count(),
                    "same body");
            for (int retry = 1; retry < attempts.size(); retry++) {
                long gapMillis = attempts.get(retry).getLoggedDate().getTime()
                        - attempts.get(retry - 1).getLoggedDate().getTime();
                long earliest =
                        (long) (CallingBoxRetrySchedule.WAITS.get(retry - 1).toMillis() * 0.8 / clock.scale());
                assertTrue(
                        gapMillis >= earliest - 1,
                        "retry " + retry + " came after " + gapMillis + " ms, not before " + earliest);
            }
        }
    }

    @Test
    void aReceiverThatRecoversGetsTheSameEventOnALaterAttempt() {
        receiver.stubFor(post(urlEqualTo(HOOK_PATH))
                .inScenario("flaky")
                .whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(503))
                .willSetStateTo("second"));
        receiver.stubFor(post(urlEqualTo(HOOK_PATH))
                .inScenario("flaky")
                .whenScenarioStateIs("second")
                .willReturn(aResponse().withStatus(302))
                .willSetStateTo("up"));
        receiver.stubFor(post(urlEqualTo(HOOK_PATH))
                .inScenario("flaky")
                .whenScenarioStateIs("up")
                .willReturn(ok()));
        webhooks.endpoint(true, URI.create(receiver.baseUrl() + HOOK_PATH));
        String id = placeCall("+15550100005");

        await().until(() -> deliveriesOf(id).getList("data.status").equals(List.of("delivered", "delivered")));
        JsonPath deliveries = deliveriesOf(id);
        Map<String, Long> requestsPerEvent = hooksFor(receiver, id).stream()
                .collect(Collectors.groupingBy(h -> h.getHeader("CallingBox-Event-Id"), Collectors.counting()));
        for (Map<?, ?> delivery : deliveries.getList("data", Map.class)) {
            assertEquals(
                    requestsPerEvent.get((String) delivery.get("id")).intValue(),
                    delivery.get("attempt_count"),
                    "every request was one attempt of the same event");
            assertEquals(200, delivery.get("last_response_status"));
        }
        assertTrue(
                requestsPerEvent.values().stream().mapToLong(Long::longValue).sum() >= 4,
                "a 503 and a 302 were retried");
    }

    @Test
    void theInlineWebhookUrlGetsItsOwnDeliveriesAndDecidesWebhookStatus() {
        String id = api().body("{\"agent_id\": \"%s\", \"to\": \"+15550100001\", \"webhook_url\": \"%s\"}"
                        .formatted(SandboxDefaults.OUTBOUND_AGENT_ID, receiver.baseUrl() + HOOK_PATH))
                .post(API + "/calls")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        awaitHooks(id, 8);
        await().until(() -> "delivered"
                .equals(simulator
                        .call(java.util.UUID.fromString(id))
                        .orElseThrow()
                        .get("webhook_status")
                        .asText()));

        JsonPath deliveries = deliveriesOf(id);
        assertEquals(8, deliveries.getList("data").size());
        assertEquals(
                4,
                deliveries.getList("data.endpoint_id").stream()
                        .filter(e -> e == null)
                        .count());
        assertEquals(8, deliveries.getList("data.id").stream().distinct().count(), "one event id per destination");
    }

    @Test
    void anExhaustedInlineCompletionMarksTheCallsWebhookFailed() {
        receiver.stubFor(post(urlEqualTo("/inline")).willReturn(serverError()));
        String id = api().body("{\"agent_id\": \"%s\", \"to\": \"+15550100001\", \"webhook_url\": \"%s\"}"
                        .formatted(SandboxDefaults.OUTBOUND_AGENT_ID, receiver.baseUrl() + "/inline"))
                .post(API + "/calls")
                .then()
                .extract()
                .path("id");

        await().atMost(Duration.ofSeconds(60)).until(() -> "failed".equals(callField(id, "webhook_status")));
        assertEquals("receiver answered HTTP 500", callField(id, "webhook_error"));

        String inlineCompletion = deliveriesOf(id).getList("data", Map.class).stream()
                .filter(d -> d.get("endpoint_id") == null && "call.completed".equals(d.get("event_type")))
                .map(d -> (String) d.get("id"))
                .findFirst()
                .orElseThrow();
        receiver.stubFor(post(urlEqualTo("/inline")).willReturn(ok()));
        api().post(API + "/webhook_deliveries/" + inlineCompletion + "/redeliver")
                .then()
                .statusCode(200);
        await().until(() -> "delivered".equals(callField(id, "webhook_status")));
    }

    @Test
    void droppedWebhooksNeverArriveYetCountAsDelivered() {
        webhooks.faults(FaultSettings.none().withDropRate(1));
        String id = placeCall("+15550100005");
        await().until(() -> deliveriesOf(id).getList("data.status").equals(List.of("delivered", "delivered")));

        assertTrue(hooksFor(receiver, id).isEmpty());
        assertEquals(2, webhooks.counters().dropped.get());
    }

    @Test
    void duplicatedWebhooksArriveTwiceWithTheSameEventId() {
        webhooks.faults(FaultSettings.none().withDuplicateRate(1).withDelay(0, Duration.ofMillis(50)));
        String id = placeCall("+15550100005");

        List<LoggedRequest> hooks = awaitHooks(id, 4);
        Map<String, Long> copies = hooks.stream()
                .collect(Collectors.groupingBy(h -> h.getHeader("CallingBox-Event-Id"), Collectors.counting()));
        assertEquals(
                Map.of(2L, 2L),
                copies.values().stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting())));
        hooks.forEach(h -> assertTrue(signatureValid(SECRET, h.getHeader("CallingBox-Signature"), h.getBody())));
    }

    @Test
    void delayedWebhooksArriveOutOfOrder() {
        webhooks.faults(FaultSettings.none().withDelay(1, Duration.ofMillis(400)));
        List<String> ids =
                IntStream.range(0, 15).mapToObj(i -> placeCall("+15550100001")).toList();

        List<Boolean> inOrder = new ArrayList<>();
        for (String id : ids) {
            List<LoggedRequest> hooks = awaitHooks(id, 4);
            List<String> arrival = hooks.stream()
                    .map(h -> h.getHeader("CallingBox-Event-Type"))
                    .toList();
            inOrder.add(arrival.equals(List.of("call.queued", "call.ringing", "call.answered", "call.completed")));
        }
        assertTrue(inOrder.contains(false), "some call's events overtook each other");
        assertTrue(webhooks.counters().delayed.get() >= 60);
    }

    @Test
    void wronglySignedWebhooksFailVerification() {
        webhooks.faults(FaultSettings.none().withWrongSignatureRate(1));
        String id = placeCall("+15550100005");

        for (LoggedRequest hook : awaitHooks(id, 2)) {
            assertFalse(signatureValid(SECRET, hook.getHeader("CallingBox-Signature"), hook.getBody()));
        }
        assertEquals(2, webhooks.counters().wrongSignatures.get());
    }

    @Test
    void silentWebhooksReachNobodyUntilTheSilenceEndsAndARetryDelivers() {
        webhooks.faults(FaultSettings.none().withWebhooksSilent(true));
        // Slow enough that the silence ends long before the eighth attempt would exhaust the deliveries
        clock.scale(6_000);
        String id = placeCall("+15550100005");
        await().until(() ->
                deliveriesOf(id).getList("data.attempt_count").stream().allMatch(n -> (Integer) n >= 3));
        assertTrue(hooksFor(receiver, id).isEmpty());
        assertEquals(
                List.of("connect timed out (sandbox: webhooks silenced)"),
                deliveriesOf(id).getList("data.last_error").stream().distinct().toList());

        webhooks.faults(FaultSettings.none());
        await().atMost(Duration.ofSeconds(30))
                .until(() -> deliveriesOf(id).getList("data.status").stream().allMatch("delivered"::equals));
        assertEquals(2, hooksFor(receiver, id).size());
    }

    private static List<LoggedRequest> awaitHooks(String callId, int count) {
        await().atMost(Duration.ofSeconds(30))
                .until(() -> hooksFor(receiver, callId).size() >= count);
        return hooksFor(receiver, callId);
    }

    private static JsonPath deliveriesOf(String callId) {
        return api().queryParam("call_id", callId)
                .get(API + "/webhook_deliveries")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    private String callField(String id, String field) {
        JsonNode value =
                simulator.call(java.util.UUID.fromString(id)).orElseThrow().get(field);
        return value.isNull() ? null : value.asText();
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }
}
