package io.callingboxgateway.calls;

import static io.callingboxgateway.testing.TestCall.ALICE;
import static io.callingboxgateway.testing.TestCall.SALES_AGENT;
import static io.callingboxgateway.testing.TestCall.SALES_LINE;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.callingboxgateway.testing.CallStore;
import io.callingboxgateway.testing.PostgresResource;
import io.callingboxgateway.testing.TestCall;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class CallResourceTest {

    static final String BOOKED = "5b0f8a1c-3d2e-4f6a-9b8c-7d6e5f4a3b2c";

    /** The fields of the CallingBox call object (callingbox-api.md section 3), plus ours. */
    static final Set<String> CALL_FIELDS = Set.of(
            "id",
            "agent_id",
            "to_number",
            "from_number",
            "status",
            "direction",
            "answered_by",
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
            "reconciliation");

    @Inject
    CallStore store;

    @BeforeAll
    static void logFailures() {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    @BeforeEach
    void emptyStore() {
        store.clear();
    }

    @Test
    void aCallIsTheCallingBoxObjectItselfInSnakeCase() {
        store.insert(TestCall.completed(BOOKED, "2026-04-16T09:15:02.123456Z"));

        Map<String, Object> call = given().get("/calls/{id}", BOOKED)
                .then()
                .statusCode(200)
                .contentType("application/json")
                .body("id", equalTo(BOOKED))
                .body("agent_id", equalTo(SALES_AGENT.toString()))
                .body("to_number", equalTo(ALICE))
                .body("from_number", equalTo(SALES_LINE))
                .body("status", equalTo("completed"))
                .body("direction", equalTo("outbound"))
                .body("answered_by", equalTo("human"))
                .body("persona", equalTo("Maya, scheduling assistant at Bayview Dental"))
                .body("instructions", equalTo("Confirm tomorrow's appointment and offer to reschedule."))
                .body("prompt", equalTo("You are Maya, a scheduling assistant at Bayview Dental."))
                .body("result_status", equalTo("completed"))
                .body("result_error", nullValue())
                .body("language", equalTo("en"))
                .body("webhook_url", equalTo("https://hooks.bayview-dental.example/callingbox"))
                .body("webhook_status", equalTo("delivered"))
                .body("webhook_error", nullValue())
                .body("created_at", equalTo("2026-04-16T09:15:02.123456Z"))
                .body("started_at", equalTo("2026-04-16T09:15:04.123456Z"))
                .body("answered_at", equalTo("2026-04-16T09:15:11.123456Z"))
                .body("ended_at", equalTo("2026-04-16T09:16:37.123456Z"))
                .body("duration_seconds", equalTo(93))
                .body("billed_duration_seconds", equalTo(86))
                .body("billing_amount_milli_cents", equalTo(4300))
                .body("reservation_status", equalTo("settled"))
                .body("error_code", nullValue())
                .body("error_message", nullValue())
                .body("hangup_cause", equalTo("NORMAL_CLEARING"))
                .body("updated_at", equalTo("2026-04-16T09:16:41.123456Z"))
                .extract()
                .jsonPath()
                .getMap("$");

        assertEquals(CALL_FIELDS, call.keySet(), "exactly the CallingBox fields, no wrapper, no internals");
    }

    @Test
    void jsonFieldsPassThroughVerbatim() {
        // The naming strategy is for our own fields; keys inside caller-owned objects must not be renamed.
        store.insert(TestCall.completed(BOOKED, "2026-04-16T09:15:02Z"));

        given().get("/calls/{id}", BOOKED)
                .then()
                .statusCode(200)
                .body("metadata", equalTo(Map.of("crmId", "APT-20417", "campaign", "reminders")))
                .body("context.patientName", equalTo("Alice Moreno"))
                .body("context.appointmentAt", equalTo("2026-04-17T15:30:00Z"))
                .body("returns", equalTo(Map.of("confirmed", "boolean", "new_time", "string")))
                .body("result.confirmed", equalTo(true))
                .body("result", hasKey("new_time"));
    }

    @Test
    void everyCallCarriesHowTheGatewayLearnedOfIt() {
        store.insert(
                TestCall.completed(BOOKED, "2026-04-16T09:15:02Z"),
                TestCall.ringing("8e2d4c6a-1b3f-4a5e-8c7d-9f0e1d2c3b4a", "2026-04-16T09:20:00Z"));

        given().get("/calls/{id}", BOOKED)
                .then()
                .statusCode(200)
                .body(
                        "reconciliation",
                        equalTo(Map.of(
                                "first_seen_via", "webhook",
                                "first_seen_at", "2026-04-16T09:15:03Z",
                                "last_webhook_at", "2026-04-16T09:16:41.250Z",
                                "last_polled_at", "2026-04-16T09:17:21Z",
                                "result_expected", true)));
        given().get("/calls/{id}", "8e2d4c6a-1b3f-4a5e-8c7d-9f0e1d2c3b4a")
                .then()
                .statusCode(200)
                .body("reconciliation.first_seen_via", equalTo("poll"))
                .body("reconciliation.last_polled_at", equalTo("2026-04-16T09:20:07Z"))
                .body("reconciliation", hasKey("last_webhook_at"))
                .body("reconciliation.last_webhook_at", nullValue());
    }

    @Test
    void anUppercaseIdFindsTheSameCall() {
        store.insert(TestCall.completed(BOOKED, "2026-04-16T09:15:02Z"));

        given().get("/calls/{id}", BOOKED.toUpperCase(Locale.ROOT))
                .then()
                .statusCode(200)
                .body("id", equalTo(BOOKED));
    }

    @Test
    void anAbsentCallIsANotFoundProblem() {
        store.insert(TestCall.completed(BOOKED, "2026-04-16T09:15:02Z"));

        given().get("/calls/{id}", "6f1c2a8e-0000-4000-8000-000000000000")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:callingbox-gateway:problem:not-found"))
                .body("title", equalTo("Not found"))
                .body("status", equalTo(404))
                .body("detail", equalTo("no call with id 6f1c2a8e-0000-4000-8000-000000000000"));
    }

    @Test
    void anEmptyStoreListsAnEmptyLastPage() {
        Map<String, Object> page = given().get("/calls")
                .then()
                .statusCode(200)
                .contentType("application/json")
                .body("data", equalTo(List.of()))
                .body("has_more", equalTo(false))
                .body("next_cursor", nullValue())
                .extract()
                .jsonPath()
                .getMap("$");

        assertEquals(Set.of("data", "has_more", "next_cursor"), page.keySet());
    }

    @Test
    void theListIsNewestFirstWithIdBreakingTies() {
        // Two calls created in the same microsecond: the larger id comes first. "f3..." is the larger
        // UUID for PostgreSQL (unsigned bytes) but the smaller one for java.util.UUID.compareTo (signed).
        String sameInstant = "2026-04-16T10:00:00.000001Z";
        store.insert(
                TestCall.completed("0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d", sameInstant),
                TestCall.noAnswer("f3e2d1c0-b9a8-4f7e-9d6c-5b4a39281706", sameInstant),
                TestCall.busy("7c6b5a49-3827-4165-8f4e-3d2c1b0a9f8e", "2026-04-16T09:59:59.999999Z"),
                TestCall.ringing("2d3c4b5a-6978-4a1b-8c2d-3e4f5a6b7c8d", "2026-04-16T10:00:00.000002Z"));

        given().get("/calls")
                .then()
                .statusCode(200)
                .body(
                        "data.id",
                        equalTo(List.of(
                                "2d3c4b5a-6978-4a1b-8c2d-3e4f5a6b7c8d",
                                "f3e2d1c0-b9a8-4f7e-9d6c-5b4a39281706",
                                "0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d",
                                "7c6b5a49-3827-4165-8f4e-3d2c1b0a9f8e")))
                .body("has_more", equalTo(false))
                .body("next_cursor", nullValue());
    }

    @Test
    void aListedCallLooksExactlyLikeTheCallFetchedAlone() {
        store.insert(TestCall.completed(BOOKED, "2026-04-16T09:15:02.5Z"));

        Map<String, Object> alone = given().get("/calls/{id}", BOOKED)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getMap("$");

        given().get("/calls").then().statusCode(200).body("data[0]", equalTo(alone));
    }

    @Test
    void anUnknownPathIsANotFoundProblem() {
        given().get("/calls/" + BOOKED + "/recording")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("status", equalTo(404))
                .body(not(containsString("Exception")));
        given().get("/callz")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("status", equalTo(404));
    }

    @Test
    void writingIsNotAllowed() {
        given().contentType("application/json")
                .body("{\"to_number\":\"+14155550123\"}")
                .post("/calls")
                .then()
                .statusCode(405)
                .contentType("application/problem+json")
                .body("status", equalTo(405));
    }
}
