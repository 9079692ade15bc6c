package io.callingboxgateway.subscriptions.delivery;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callingboxgateway.reconcile.Reconciler;
import io.callingboxgateway.subscriptions.SubscriptionApi;
import io.callingboxgateway.subscriptions.SubscriptionApi.Subscribed;
import io.callingboxgateway.testing.FilterableCall;
import io.callingboxgateway.testing.PostgresResource;
import io.callingboxgateway.testing.Receiver;
import io.callingboxgateway.testing.Receiver.Push;
import io.callingboxgateway.testing.TestDatabase;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /subscriptions/{id}/replay} with a body: the window's wanted events are posted again in
 * order, marked {@code webhook-replay: true}, and the live position stays where it was. Each
 * subscription filters on a team of its own, so only the test's events reach its receiver.
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class SubscriptionReplayTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @Inject
    Reconciler reconciler;

    @Inject
    TestDatabase db;

    private Receiver receiver;
    private String team;
    private Subscribed subscription;

    @BeforeEach
    void subscribe() {
        db.update("delete from subscription");
        receiver = Receiver.start();
        team = FilterableCall.newTeam();
        JsonPath created = JsonPath.from(
                SubscriptionApi.create(Map.of("url", receiver.url(), "filter", Map.of("metadata.team", team)))
                        .statusCode(201)
                        .extract()
                        .asString());
        subscription = new Subscribed(created.getString("id"), created.getString("signing_secret"));
    }

    @AfterEach
    void cleanUp() {
        db.update("delete from subscription");
        receiver.close();
    }

    @Test
    void aTimeWindowIsPostedAgainInOrderMarkedAsAReplayAndTheLivePositionStays() {
        Instant t = Instant.parse("2032-02-03T10:00:00Z");
        List<Long> events = threeEventsDelivered(t);
        long position = SubscriptionApi.state(subscription).getLong("position");
        assertEquals(db.head(), position);

        replay(Map.of("since", "2032-02-03T10:00:01Z", "until", "2032-02-03T10:00:03Z"))
                .statusCode(202)
                .body("position", equalTo((int) position))
                .body("replay.since", equalTo("2032-02-03T10:00:01Z"));

        await().atMost(PATIENCE).until(() -> receiver.pushes().size() == 5 && replayDone());
        List<Push> replayed = receiver.pushes().subList(3, 5);
        assertEquals(events.subList(1, 3), replayed.stream().map(Push::eventId).toList(), "in order, since inclusive");
        for (Push push : replayed) {
            assertTrue(push.replay(), "marked as a replay");
            assertEquals("evt_" + push.eventId(), push.webhookId(), "the event's own webhook-id");
            assertTrue(push.verifies(subscription.secret()), "signed as every push");
        }
        assertEquals(position, SubscriptionApi.state(subscription).getLong("position"), "the live position stays");

        FilterableCall.queued(reconciler, team);
        long live = db.head();
        await().atMost(PATIENCE).until(() -> receiver.pushes().size() == 6);
        Push next = receiver.pushes().get(5);
        assertEquals(live, next.eventId());
        assertFalse(next.replay(), "live pushes carry no replay mark");
        await().atMost(PATIENCE).until(() -> SubscriptionApi.state(subscription).getLong("position") == live);
    }

    @Test
    void fromEventIdReplaysFromThatEventOnWhileLiveEventsKeepFlowing() {
        List<Long> events = threeEventsDelivered(Instant.parse("2032-02-03T11:00:00Z"));

        replay(Map.of("from_event_id", events.get(1))).statusCode(202);
        FilterableCall.queued(reconciler, team);
        long live = db.head();

        await().atMost(PATIENCE).until(() -> receiver.pushes().size() == 6 && replayDone());
        List<Push> later = receiver.pushes().subList(3, 6);
        assertEquals(
                events.subList(1, 3),
                later.stream().filter(Push::replay).map(Push::eventId).toList(),
                "from the event given on, in order");
        assertEquals(
                List.of(live),
                later.stream().filter(p -> !p.replay()).map(Push::eventId).toList());
        await().atMost(PATIENCE).until(() -> SubscriptionApi.state(subscription).getLong("position") == live);
    }

    @Test
    void badReplaysAre400NamingTheFieldAndDeletedRangesAre410() {
        Map<Map<String, ?>, String> refused = Map.of(
                Map.of("since", "yesterday"), "since",
                Map.of("since", "2032-02-03T10:00:00Z", "until", "2032-02-03T10:00:00Z"), "until",
                Map.of("until", "2032-02-03T10:00:00Z"), "since",
                Map.of("since", "2032-02-03T10:00:00Z", "from_event_id", 1), "from_event_id",
                Map.of("from_event_id", "x"), "from_event_id",
                Map.of("from_event_id", db.head() + 1000), "from_event_id",
                Map.of("colour", "red"), "colour");
        refused.forEach((body, field) -> replay(body)
                .statusCode(400)
                .contentType("application/problem+json")
                .body("parameter", equalTo(field)));

        long saved = db.deletedThrough();
        db.update("update event_retention set deleted_through = ?", Math.max(saved, 1));
        try {
            replay(Map.of("since", "2000-01-01T00:00:00Z"))
                    .statusCode(410)
                    .body("type", equalTo("urn:callingbox-gateway:problem:window-expired"))
                    .body("parameter", equalTo("since"));
            replay(Map.of("from_event_id", 1)).statusCode(410).body("parameter", equalTo("from_event_id"));
        } finally {
            db.update("update event_retention set deleted_through = ?", saved);
        }
        given().get("/subscriptions/" + subscription.id())
                .then()
                .statusCode(200)
                .body("replay", nullValue());
    }

    /** Three events of the team, delivered live, occurring at t, t+1 s and t+2 s. */
    private List<Long> threeEventsDelivered(Instant t) {
        List<Long> events = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            FilterableCall.queued(reconciler, team);
            events.add(db.head());
            db.update(
                    "update call_event set occurred_at = ? where id = ?",
                    OffsetDateTime.ofInstant(t.plusSeconds(i), ZoneOffset.UTC),
                    db.head());
        }
        await().atMost(PATIENCE).until(() -> receiver.pushes().size() == 3);
        assertEquals(events, receiver.pushes().stream().map(Push::eventId).toList());
        assertTrue(receiver.pushes().stream().noneMatch(Push::replay));
        return events;
    }

    private boolean replayDone() {
        return SubscriptionApi.state(subscription).get("replay") == null;
    }

    private ValidatableResponse replay(Map<String, ?> body) {
        return given().contentType(ContentType.JSON)
                .body(body)
                .post("/subscriptions/" + subscription.id() + "/replay")
                .then()
                .log()
                .ifValidationFails();
    }
}
