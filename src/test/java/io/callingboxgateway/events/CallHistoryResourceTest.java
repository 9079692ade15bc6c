package io.callingboxgateway.events;

import static io.callingboxgateway.events.Snapshots.completedWithResult;
import static io.callingboxgateway.events.Snapshots.inProgress;
import static io.callingboxgateway.events.Snapshots.queuedEarlier;
import static io.callingboxgateway.events.Snapshots.ringing;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.callingboxgateway.reconcile.CallMerge.Outcome;
import io.callingboxgateway.reconcile.Reconciler;
import io.callingboxgateway.reconcile.Source;
import io.callingboxgateway.testing.PostgresResource;
import io.callingboxgateway.testing.TestDatabase;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class CallHistoryResourceTest {

    private static final JsonNode RESULT = JsonNodeFactory.instance.objectNode().put("appointment_confirmed", true);

    @Inject
    Reconciler reconciler;

    @Inject
    TestDatabase db;

    @BeforeEach
    void setUp() {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    @Test
    void explainsEverySnapshotOfACallOldestFirst() {
        UUID call = UUID.randomUUID();
        UUID created = UUID.randomUUID();
        UUID completed = UUID.randomUUID();
        UUID replayed = UUID.randomUUID();
        long before = db.head();

        assertEquals(Outcome.CREATED, reconciler.apply(ringing(call), Source.WEBHOOK, created));
        assertEquals(Outcome.APPLIED, reconciler.apply(inProgress(call), Source.POLL, null));
        assertEquals(Outcome.APPLIED, reconciler.apply(completedWithResult(call, RESULT), Source.WEBHOOK, completed));
        assertEquals(Outcome.DUPLICATE, reconciler.apply(completedWithResult(call, RESULT), Source.WEBHOOK, replayed));
        assertEquals(Outcome.STALE, reconciler.apply(queuedEarlier(call), Source.POLL, null));

        given().get("/calls/" + call + "/events")
                .then()
                .statusCode(200)
                .contentType("application/json")
                .body("data", hasSize(5))
                // created: the first snapshot, from a webhook
                .body("data[0].outcome", equalTo("created"))
                .body("data[0].source", equalTo("webhook"))
                .body("data[0].upstream_event_id", equalTo(created.toString()))
                .body("data[0].reason", equalTo("first snapshot of this call"))
                .body("data[0].decided_at", notNullValue())
                .body("data[0].snapshot_status", equalTo("ringing"))
                .body("data[0].changed_fields", hasItems("id", "status"))
                .body("data[0].events", hasSize(1))
                .body("data[0].events[0].id", equalTo((int) before + 1))
                .body("data[0].events[0].type", equalTo("call.created"))
                .body("data[0].events[0].changes.status.after", equalTo("ringing"))
                // applied: a poll moved it forward
                .body("data[1].outcome", equalTo("applied"))
                .body("data[1].source", equalTo("poll"))
                .body("data[1].upstream_event_id", nullValue())
                .body("data[1].snapshot_status", equalTo("in_progress"))
                .body("data[1].changed_fields", equalTo(List.of("status", "updated_at")))
                .body("data[1].events", hasSize(1))
                .body("data[1].events[0].id", equalTo((int) before + 2))
                .body("data[1].events[0].type", equalTo("call.status_changed"))
                .body("data[1].events[0].changes.status.before", equalTo("ringing"))
                .body("data[1].events[0].changes.status.after", equalTo("in_progress"))
                // applied: one snapshot, two events (the call ended and its result arrived)
                .body("data[2].outcome", equalTo("applied"))
                .body("data[2].upstream_event_id", equalTo(completed.toString()))
                .body("data[2].changed_fields", hasItems("status", "result", "result_status"))
                .body("data[2].events", hasSize(2))
                .body("data[2].events[0].type", equalTo("call.status_changed"))
                .body("data[2].events[0].changes.status.after", equalTo("completed"))
                .body("data[2].events[1].type", equalTo("call.result_ready"))
                .body("data[2].events[1].changes.result_status.before", equalTo("pending"))
                .body("data[2].events[1].changes.result_status.after", equalTo("completed"))
                .body("data[2].events[1].changes.result.after.appointment_confirmed", equalTo(true))
                // duplicate: a webhook replay, ignored and said why
                .body("data[3].outcome", equalTo("duplicate"))
                .body("data[3].source", equalTo("webhook"))
                .body("data[3].upstream_event_id", equalTo(replayed.toString()))
                .body("data[3].reason", containsString("identical"))
                .body("data[3].changed_fields", empty())
                .body("data[3].events", empty())
                // stale: an old poll, ignored and said why
                .body("data[4].outcome", equalTo("stale"))
                .body("data[4].source", equalTo("poll"))
                .body("data[4].upstream_event_id", nullValue())
                .body("data[4].snapshot_status", equalTo("queued"))
                .body("data[4].reason", containsString("older than what is stored"))
                .body("data[4].changed_fields", empty())
                .body("data[4].events", empty());
    }

    @Test
    void theLogIsPagedWithLimitAndNextCursorAndEachDecisionKeepsItsEvents() {
        UUID call = UUID.randomUUID();
        long before = db.head();
        reconciler.apply(ringing(call), Source.WEBHOOK, UUID.randomUUID());
        reconciler.apply(completedWithResult(call, RESULT), Source.WEBHOOK, UUID.randomUUID());
        reconciler.apply(queuedEarlier(call), Source.POLL, null);

        String next = given().queryParam("limit", 1)
                .get("/calls/" + call + "/events")
                .then()
                .statusCode(200)
                .body("data", hasSize(1))
                .body("data[0].outcome", equalTo("created"))
                .body("data[0].events", hasSize(1))
                .body("has_more", equalTo(true))
                .body("next_cursor", notNullValue())
                .extract()
                .path("next_cursor");
        // the page boundary does not cut the next decision's two events apart
        String last = given().queryParam("limit", 1)
                .queryParam("after", next)
                .get("/calls/" + call + "/events")
                .then()
                .statusCode(200)
                .body("data[0].outcome", equalTo("applied"))
                .body("data[0].events.id", equalTo(List.of((int) before + 2, (int) before + 3)))
                .body("has_more", equalTo(true))
                .extract()
                .path("next_cursor");
        given().queryParam("after", last)
                .get("/calls/" + call + "/events")
                .then()
                .statusCode(200)
                .body("data", hasSize(1))
                .body("data[0].outcome", equalTo("stale"))
                .body("has_more", equalTo(false))
                .body("next_cursor", nullValue());
        // the default page holds a call's whole log, as the unpaged list did
        given().get("/calls/" + call + "/events").then().statusCode(200).body("data", hasSize(3));
        given().queryParam("after", "-1")
                .get("/calls/" + call + "/events")
                .then()
                .statusCode(400);
        given().queryParam("limit", "0")
                .get("/calls/" + call + "/events")
                .then()
                .statusCode(400);
        given().queryParam("limit", "501")
                .get("/calls/" + call + "/events")
                .then()
                .statusCode(400);
    }

    @Test
    void unknownCallIsNotFound() {
        given().get("/calls/" + UUID.randomUUID() + "/events")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("status", equalTo(404))
                .body("detail", containsString("no call with id"));
    }

    @Test
    void malformedIdIsAProblem() {
        given().get("/calls/not-a-call/events")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("parameter", equalTo("id"))
                .body("detail", containsString("is not a UUID"));
    }
}
