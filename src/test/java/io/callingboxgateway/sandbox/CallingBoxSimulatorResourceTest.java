package io.callingboxgateway.sandbox;

import static io.callingboxgateway.sandbox.SandboxTesting.API;
import static io.callingboxgateway.sandbox.SandboxTesting.api;
import static io.callingboxgateway.sandbox.SandboxTesting.awaitSettled;
import static io.callingboxgateway.sandbox.SandboxTesting.placeCall;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callingboxgateway.testing.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The simulated CallingBox API answers as the docs describe, refusals included. */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class CallingBoxSimulatorResourceTest {

    static final List<String> CALL_FIELDS = List.of(
            "id",
            "agent_id",
            "to_number",
            "from_number",
            "status",
            "direction",
            "persona",
            "instructions",
            "prompt",
            "context",
            "returns",
            "result",
            "result_status",
            "result_error",
            "language",
            "webhook_url",
            "webhook_status",
            "webhook_error",
            "created_at",
            "started_at",
            "answered_at",
            "ended_at",
            "duration_seconds",
            "billed_duration_seconds",
            "billing_amount_milli_cents",
            "reservation_status",
            "error_code",
            "error_message",
            "hangup_cause",
            "metadata",
            "updated_at",
            "answered_by");

    @Inject
    CallSimulator simulator;

    @Inject
    WebhookSender webhooks;

    @BeforeEach
    void freshSimulator() {
        simulator.reset();
    }

    @Test
    void placingACallAnswers201WithTheDocumentedCallObject() {
        JsonPath call = api().body("""
                        {"agent_id": "%s", "to": "+15550100001", "context": {"customer_name": "Ada"},
                         "metadata": {"order": "A-17"}, "instructions": "Be brief.",
                         "webhook_url": "https://example.test/hooks"}
                        """.formatted(SandboxDefaults.OUTBOUND_AGENT_ID))
                .post(API + "/calls")
                .then()
                .statusCode(201)
                .contentType("application/json")
                .extract()
                .jsonPath();

        assertEquals(CALL_FIELDS, List.copyOf(call.getMap("").keySet()));
        assertEquals(SandboxDefaults.OUTBOUND_AGENT_ID.toString(), call.getString("agent_id"));
        assertEquals("+15550100001", call.getString("to_number"));
        assertEquals(SandboxDefaults.OUTBOUND_NUMBERS.get(0), call.getString("from_number"));
        assertEquals("queued", call.getString("status"));
        assertEquals("outbound", call.getString("direction"));
        assertEquals("Be brief.", call.getString("instructions"));
        assertEquals("Ada", call.getString("context.customer_name"));
        assertEquals("A-17", call.getString("metadata.order"));
        assertEquals("pending", call.getString("result_status"));
        assertEquals("pending", call.getString("webhook_status"));
        assertEquals("reserved", call.getString("reservation_status"));
        assertEquals("boolean", call.getString("returns.appointment_confirmed"));
        assertEquals(call.getString("created_at"), call.getString("updated_at"));
        for (String unset : List.of(
                "result",
                "started_at",
                "answered_at",
                "ended_at",
                "duration_seconds",
                "billed_duration_seconds",
                "billing_amount_milli_cents",
                "error_code",
                "answered_by")) {
            assertNull(call.get(unset), unset);
        }
    }

    @Test
    void aCallWithoutWebhookUrlHasEmptyContextAndMetadataAndNoInlineWebhook() {
        String id = placeCall("+15550100003");
        api().get(API + "/calls/" + id)
                .then()
                .statusCode(200)
                .body("id", equalTo(id))
                .body("context.size()", is(0))
                .body("metadata.size()", is(0))
                .body("webhook_url", nullValue())
                .body("webhook_status", equalTo("none"));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"to\": \"+15550100001\"}",
                "{\"agent_id\": \"11111111-1111-4111-8111-111111111111\"}",
                "{\"agent_id\": \"not-a-uuid\", \"to\": \"+15550100001\"}",
                "{\"agent_id\": \"11111111-1111-4111-8111-111111111111\", \"to\": \"555-0100\"}",
                "{\"agent_id\": \"11111111-1111-4111-8111-111111111111\", \"to\": 15550100001}",
                "{\"agent_id\": \"11111111-1111-4111-8111-111111111111\", \"to\": \"+15550100001\", \"context\": [1]}",
                "{\"agent_id\": \"11111111-1111-4111-8111-111111111111\", \"to\": \"+15550100001\", \"persona\": \"x\"}",
                "{\"agent_id\": \"11111111-1111-4111-8111-111111111111\", \"to\": \"+15550100001\","
                        + " \"from_number\": \"+15557654321\"}",
                "{\"agent_id\": \"11111111-1111-4111-8111-111111111111\", \"to\": \"+15550100001\","
                        + " \"webhook_url\": \"ftp://example.test\"}",
                "{\"agent_id\": \"22222222-2222-4222-8222-222222222222\", \"to\": \"+15550100001\"}",
                "{\"agent_id\": \"33333333-3333-4333-8333-333333333333\", \"to\": \"+15550100001\"}",
                "[]",
                "{not json"
            })
    void badCallRequestsAre400WithAnErrorAndCreateNothing(String body) {
        api().body(body)
                .post(API + "/calls")
                .then()
                .statusCode(400)
                .contentType("application/json")
                .body("error", notNullValue())
                .body("size()", is(1));
        assertTrue(simulator.calls().isEmpty());
    }

    @Test
    void missingFieldsAreNamedInTheError() {
        api().body("{\"to\": \"+15550100001\"}")
                .post(API + "/calls")
                .then()
                .statusCode(400)
                .body("error", equalTo("agent_id is required"));
        api().body("{\"agent_id\": \"%s\"}".formatted(SandboxDefaults.OUTBOUND_AGENT_ID))
                .post(API + "/calls")
                .then()
                .statusCode(400)
                .body("error", equalTo("to is required"));
    }

    @Test
    void theProviderRejectingACallIs502() {
        api().body("{\"agent_id\": \"%s\", \"to\": \"%s\"}"
                        .formatted(SandboxDefaults.OUTBOUND_AGENT_ID, Outcome.PLACEMENT_FAILURE_NUMBER))
                .post(API + "/calls")
                .then()
                .statusCode(502)
                .body("error", equalTo("the telephony provider could not place the call"));
        assertTrue(simulator.calls().isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Bearer ", "Bearer sk_wrong", "Basic c2tfc2FuZGJveA==", "sk_sandbox_7b1c0e5d4a3f2e1d"})
    void aMissingOrWrongApiKeyIs401(String authorization) {
        var request = given().contentType("application/json");
        if (!authorization.isEmpty()) {
            request.header("Authorization", authorization);
        }
        request.get(API + "/calls").then().statusCode(401).body("error", notNullValue());
        request.body("{\"agent_id\": \"%s\", \"to\": \"+15550100001\"}".formatted(SandboxDefaults.OUTBOUND_AGENT_ID))
                .post(API + "/calls")
                .then()
                .statusCode(401)
                .body("error", notNullValue());
        given().get(API + "/webhook_deliveries").then().statusCode(401);
        assertTrue(simulator.calls().isEmpty());
    }

    @Test
    void theListIsABareArrayNewestFirst() {
        String first = placeCall("+15550100001");
        String second = placeCall("+15550100005");
        String third = placeCall("+15550100003");

        api().get(API + "/calls").then().statusCode(200).body("id", contains(third, second, first));
    }

    @Test
    void anUnknownCallIs404WithAnError() {
        String id = UUID.randomUUID().toString();
        api().get(API + "/calls/" + id)
                .then()
                .statusCode(404)
                .contentType("application/json")
                .body("error", equalTo("call " + id + " not found"));
        api().get(API + "/calls/not-a-uuid").then().statusCode(404).body("error", notNullValue());
    }

    @Test
    void deliveriesAreListedInAnEnvelopeAndFiltered() {
        webhooks.endpoint(true, URI.create("http://127.0.0.1:9/unreachable"));
        String completed = placeCall("+15550100001");
        String busy = placeCall("+15550100005");
        awaitSettled(simulator, completed);
        awaitSettled(simulator, busy);

        api().queryParam("call_id", busy)
                .get(API + "/webhook_deliveries")
                .then()
                .statusCode(200)
                .body("data", hasSize(2))
                .body("data.event_type", contains("call.busy", "call.queued"))
                .body("data.call_id", everyItem(equalTo(busy)))
                .body("data.endpoint_id", everyItem(equalTo(SandboxDefaults.ENDPOINT_ID.toString())))
                .body("data.url", everyItem(equalTo("http://127.0.0.1:9/unreachable")))
                .body("data[0]", hasKey("next_attempt_at"))
                .body("data[0].org_id", equalTo(SandboxDefaults.ORG_ID.toString()));
        api().queryParam("call_id", completed)
                .get(API + "/webhook_deliveries")
                .then()
                .body("data.event_type", contains("call.completed", "call.answered", "call.ringing", "call.queued"));
        api().queryParam("limit", 3)
                .queryParam("endpoint_id", SandboxDefaults.ENDPOINT_ID.toString())
                .get(API + "/webhook_deliveries")
                .then()
                .body("data", hasSize(3));
        api().queryParam("status", "delivered")
                .get(API + "/webhook_deliveries")
                .then()
                .body("data", hasSize(0));
        api().queryParam("endpoint_id", UUID.randomUUID().toString())
                .get(API + "/webhook_deliveries")
                .then()
                .body("data", hasSize(0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"limit=0", "limit=201", "limit=ten", "status=failed", "call_id=x", "endpoint_id=x"})
    void badDeliveryFiltersAre400(String query) {
        api().get(API + "/webhook_deliveries?" + query).then().statusCode(400).body("error", notNullValue());
    }

    @Test
    void redeliveringPutsADeliveryBackToPendingWithTheSameId() {
        webhooks.endpoint(true, URI.create("http://127.0.0.1:9/unreachable"));
        String call = placeCall("+15550100005");
        String delivery = api().queryParam("call_id", call)
                .get(API + "/webhook_deliveries")
                .then()
                .extract()
                .path("data[1].id");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> "exhausted"
                        .equals(api().queryParam("call_id", call)
                                .get(API + "/webhook_deliveries")
                                .then()
                                .extract()
                                .path("data[1].status")));

        api().post(API + "/webhook_deliveries/" + delivery + "/redeliver")
                .then()
                .statusCode(200)
                .body("id", equalTo(delivery))
                .body("status", equalTo("pending"))
                .body("manual_retry_count", equalTo(1))
                .body("attempt_count", equalTo(8));
        api().post(API + "/webhook_deliveries/" + UUID.randomUUID() + "/redeliver")
                .then()
                .statusCode(404)
                .body("error", notNullValue());
    }
}
