package io.callingboxgateway.sandbox;

import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.callingboxgateway.sandbox.SandboxTesting.HOOK_PATH;
import static io.callingboxgateway.sandbox.SandboxTesting.awaitSettled;
import static io.callingboxgateway.sandbox.SandboxTesting.hooksFor;
import static io.callingboxgateway.sandbox.SandboxTesting.placeCall;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.callingboxgateway.testing.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Calls reach the documented terminal shapes on a compressed clock, with billing and reservation
 * settled by the documented rules, and fire exactly the documented events on the way.
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class CallLifecycleTest {

    static WireMockServer receiver;

    @Inject
    CallSimulator simulator;

    @Inject
    WebhookSender webhooks;

    @BeforeAll
    static void startReceiver() {
        receiver = new WireMockServer(options().dynamicPort());
        receiver.start();
        receiver.stubFor(post(urlEqualTo(HOOK_PATH)).willReturn(ok()));
    }

    @AfterAll
    static void stopReceiver() {
        receiver.stop();
    }

    @BeforeEach
    void freshSimulator() {
        simulator.reset();
        webhooks.endpoint(true, URI.create(receiver.baseUrl() + HOOK_PATH));
    }

    @Test
    void aConversationCompletesAndTheResultArrivesAfterExtraction() {
        String id = placeCall("+15550100001");
        ObjectNode call = awaitSettled(simulator, id);

        assertEquals("completed", text(call, "status"));
        assertEquals("human", text(call, "answered_by"));
        assertEquals("completed", text(call, "result_status"));
        assertTrue(call.get("result").get("appointment_confirmed").isBoolean());
        assertTrue(call.get("result").get("preferred_day").isTextual());
        assertTrue(call.get("result").get("party_size").isNumber());
        assertTrue(call.get("result_error").isNull());
        assertOrdered(call, "created_at", "started_at", "answered_at", "ended_at", "updated_at");
        int duration = call.get("duration_seconds").asInt();
        int billed = call.get("billed_duration_seconds").asInt();
        assertTrue(billed >= 20 && billed <= 150, "talked " + billed + " s");
        assertTrue(duration > billed, "duration counts the ringing too");
        assertEquals(
                Math.round(billed * 5000 / 60.0),
                call.get("billing_amount_milli_cents").asLong());
        assertEquals("settled", text(call, "reservation_status"));
        assertEquals("normal_clearing", text(call, "hangup_cause"));
        assertTrue(call.get("error_code").isNull());

        List<JsonNode> events = eventsOf(id, 4);
        assertEquals(List.of("call.queued", "call.ringing", "call.answered", "call.completed"), types(events));
        JsonNode queued = snapshot(events.get(0));
        assertEquals("queued", text(queued, "status"));
        assertTrue(queued.get("started_at").isNull());
        JsonNode ringing = snapshot(events.get(1));
        assertEquals("ringing", text(ringing, "status"));
        assertFalse(ringing.get("started_at").isNull());
        assertTrue(ringing.get("answered_at").isNull());
        JsonNode answered = snapshot(events.get(2));
        assertEquals("in_progress", text(answered, "status"));
        assertFalse(answered.get("answered_at").isNull());
        assertTrue(answered.get("ended_at").isNull());
        assertEquals("pending", text(answered, "result_status"));
        assertTrue(answered.get("billed_duration_seconds").isNull());
        assertEquals("reserved", text(answered, "reservation_status"));
        assertEquals(SandboxTesting.reparsed(call), snapshot(events.get(3)), "call.completed carries the final call");
    }

    @Test
    void aFailedExtractionCompletesWithNullFieldsAndAReason() {
        String id = placeCall("+15550100002");
        ObjectNode call = awaitSettled(simulator, id);

        assertEquals("completed", text(call, "status"));
        assertEquals("failed", text(call, "result_status"));
        assertFalse(call.get("result_error").isNull());
        call.get("returns")
                .fieldNames()
                .forEachRemaining(
                        field -> assertTrue(call.get("result").get(field).isNull(), field));
        assertEquals("settled", text(call, "reservation_status"));
        assertEquals("call.completed", types(eventsOf(id, 4)).get(3));
    }

    @Test
    void anUnansweredCallRingsOutFreeOfChargeAndKeepsItsResultPending() {
        String id = placeCall("+15550100003");
        ObjectNode call = awaitSettled(simulator, id);

        assertEquals("no_answer", text(call, "status"));
        assertTrue(call.get("answered_by").isNull());
        assertFalse(call.get("started_at").isNull());
        assertTrue(call.get("answered_at").isNull());
        assertOrdered(call, "created_at", "started_at", "ended_at");
        assertTrue(call.get("duration_seconds").asInt() >= 25);
        assertUnchargedAndWithoutResult(call);
        assertEquals(List.of("call.queued", "call.ringing", "call.no_answer"), types(eventsOf(id, 3)));
    }

    @Test
    void voicemailIsNoAnswerAnsweredByAMachine() {
        String id = placeCall("+15550100004");
        ObjectNode call = awaitSettled(simulator, id);

        assertEquals("no_answer", text(call, "status"));
        assertEquals("machine", text(call, "answered_by"));
        assertEquals("machine_detected", text(call, "hangup_cause"));
        assertUnchargedAndWithoutResult(call);
        assertEquals(List.of("call.queued", "call.ringing", "call.no_answer"), types(eventsOf(id, 3)));
    }

    @Test
    void aBusyLineEndsWithoutRinging() {
        String id = placeCall("+15550100005");
        ObjectNode call = awaitSettled(simulator, id);

        assertEquals("busy", text(call, "status"));
        assertTrue(call.get("started_at").isNull());
        assertEquals(0, call.get("duration_seconds").asInt());
        assertUnchargedAndWithoutResult(call);
        assertEquals(List.of("call.queued", "call.busy"), types(eventsOf(id, 2)));
    }

    @Test
    void aCallCanceledWhileRingingIsReleased() {
        String id = placeCall("+15550100006");
        ObjectNode call = awaitSettled(simulator, id);

        assertEquals("canceled", text(call, "status"));
        assertFalse(call.get("started_at").isNull());
        assertUnchargedAndWithoutResult(call);
        assertEquals(List.of("call.queued", "call.ringing", "call.canceled"), types(eventsOf(id, 3)));
    }

    @Test
    void aFailedCallSaysWhy() {
        String id = placeCall("+15550100007");
        ObjectNode call = awaitSettled(simulator, id);

        assertEquals("failed", text(call, "status"));
        assertFalse(call.get("error_code").isNull());
        assertFalse(call.get("error_message").isNull());
        assertUnchargedAndWithoutResult(call);
        assertEquals(List.of("call.queued", "call.failed"), types(eventsOf(id, 2)));
    }

    @Test
    void inboundCallsAreAnsweredByTheInboundAgent() {
        String id = simulator.receiveInbound().id.toString();
        ObjectNode call = awaitSettled(simulator, id);

        assertEquals("inbound", text(call, "direction"));
        assertEquals(SandboxDefaults.INBOUND_AGENT_ID.toString(), text(call, "agent_id"));
        assertEquals(SandboxDefaults.INBOUND_NUMBER, text(call, "to_number"));
        assertTrue(call.get("context").isNull());
    }

    @Test
    void randomNumbersGetAMixOfEndingsThatAllSettle() {
        IntStream.range(0, 60).forEach(i -> placeCall("+1202555%04d".formatted(1000 + i)));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> simulator.calls().stream().allMatch(SandboxTesting::settled));
        Set<String> statuses =
                simulator.calls().stream().map(call -> text(call, "status")).collect(Collectors.toSet());

        assertTrue(statuses.size() >= 3, "a mix of endings: " + statuses);
    }

    @Test
    void everyChangeMovesUpdatedAtForward() {
        String id = placeCall("+15550100001");
        awaitSettled(simulator, id);
        List<JsonNode> events = eventsOf(id, 4);
        for (int i = 1; i < events.size(); i++) {
            assertTrue(instant(snapshot(events.get(i)), "updated_at")
                    .isAfter(instant(snapshot(events.get(i - 1)), "updated_at")));
        }
    }

    private static void assertUnchargedAndWithoutResult(JsonNode call) {
        assertFalse(call.get("ended_at").isNull());
        assertEquals(0, call.get("billed_duration_seconds").asInt());
        assertEquals(0, call.get("billing_amount_milli_cents").asLong());
        assertEquals("released", text(call, "reservation_status"));
        assertEquals("pending", text(call, "result_status"), "no conversation, no extraction");
        assertTrue(call.get("result").isNull());
    }

    private static List<JsonNode> eventsOf(String callId, int expected) {
        await().atMost(Duration.ofSeconds(30))
                .until(() -> hooksFor(receiver, callId).size() >= expected);
        List<JsonNode> events =
                hooksFor(receiver, callId).stream().map(SandboxTesting::body).toList();
        assertEquals(expected, events.size());
        return events.stream()
                .sorted(java.util.Comparator.comparing(e -> Instant.parse(
                        e.get("data").get("call").get("updated_at").asText())))
                .toList();
    }

    private static List<String> types(List<JsonNode> events) {
        return events.stream().map(e -> e.get("type").asText()).toList();
    }

    private static JsonNode snapshot(JsonNode event) {
        return event.get("data").get("call");
    }

    private static String text(JsonNode call, String field) {
        return call.get(field).asText();
    }

    private static Instant instant(JsonNode call, String field) {
        return Instant.parse(call.get(field).asText());
    }

    private static void assertOrdered(JsonNode call, String... fields) {
        for (int i = 1; i < fields.length; i++) {
            Instant before = instant(call, fields[i - 1]);
            Instant after = instant(call, fields[i]);
            assertFalse(after.isBefore(before), fields[i - 1] + " <= " + fields[i]);
        }
    }
}
