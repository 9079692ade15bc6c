package io.callingboxgateway.events;

import static io.callingboxgateway.events.Snapshots.completedWithResult;
import static io.callingboxgateway.events.Snapshots.inProgress;
import static io.callingboxgateway.events.Snapshots.ringing;
import static io.callingboxgateway.events.Snapshots.webhookDelivered;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.callingboxgateway.reconcile.Reconciler;
import io.callingboxgateway.reconcile.Source;
import io.callingboxgateway.testing.PostgresResource;
import io.callingboxgateway.testing.TestDatabase;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class EventFeedTest {

    private static final JsonNode RESULT = JsonNodeFactory.instance.objectNode().put("appointment_confirmed", true);

    @Inject
    Reconciler reconciler;

    @Inject
    EventRetention retention;

    @Inject
    TestDatabase db;

    @TestHTTPResource("/")
    URI base;

    private FeedClient feed;

    @BeforeEach
    void setUp() {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
        feed = new FeedClient(base);
    }

    /** One event each: the first snapshot of a new call, all in one transaction for speed. */
    private List<UUID> newCalls(int count) {
        List<UUID> ids = new ArrayList<>();
        QuarkusTransaction.requiringNew().run(() -> {
            for (int i = 0; i < count; i++) {
                UUID id = UUID.randomUUID();
                reconciler.apply(ringing(id), Source.POLL, null);
                ids.add(id);
            }
        });
        return ids;
    }

    private static List<Long> range(long fromExclusive, long toInclusive) {
        return LongStream.rangeClosed(fromExclusive + 1, toInclusive).boxed().toList();
    }

    @Test
    void pagesThroughManyEventsWithTheLimitEdges() {
        long from = db.head();
        newCalls(501);
        long head = db.head();
        assertEquals(from + 501, head);

        FeedClient.Page byDefault = feed.get("after=" + from);
        assertEquals(200, byDefault.status());
        assertEquals(range(from, from + 100), byDefault.ids());
        assertEquals(from + 100, byDefault.nextCursor());
        assertTrue(byDefault.hasMore());

        FeedClient.Page one = feed.get("after=" + from + "&limit=1");
        assertEquals(List.of(from + 1), one.ids());
        assertEquals(from + 1, one.nextCursor());
        assertTrue(one.hasMore());

        FeedClient.Page most = feed.get("after=" + from + "&limit=500");
        assertEquals(range(from, from + 500), most.ids());
        assertTrue(most.hasMore());
        FeedClient.Page rest = feed.get("after=" + most.nextCursor() + "&limit=500");
        assertEquals(List.of(head), rest.ids());
        assertFalse(rest.hasMore());
        assertEquals(head, rest.nextCursor());

        List<Long> seen = new ArrayList<>();
        long cursor = from;
        for (int pages = 0; pages < 100; pages++) {
            FeedClient.Page page = feed.get("after=" + cursor + "&limit=7");
            assertTrue(page.body().hasNonNull("next_cursor"), "next_cursor is never null");
            seen.addAll(page.ids());
            cursor = page.nextCursor();
            if (!page.hasMore()) {
                break;
            }
        }
        assertEquals(range(from, head), seen, "every event once, in order");
        assertEquals(head, cursor);
    }

    @Test
    void lastPagePointsAtTheHeadSoALaterPollReturnsOnlyNewerEvents() {
        long from = db.head();
        newCalls(3);
        long head = db.head();

        given().get("/events?after=" + from)
                .then()
                .statusCode(200)
                .contentType("application/json")
                .body("data", hasSize(3))
                .body("has_more", equalTo(false))
                .body("next_cursor", equalTo(Long.toString(head)));
        given().get("/events?after=" + head)
                .then()
                .statusCode(200)
                .body("data", empty())
                .body("has_more", equalTo(false))
                .body("next_cursor", equalTo(Long.toString(head)));

        newCalls(2);
        FeedClient.Page later = feed.get("after=" + head);
        assertEquals(range(head, head + 2), later.ids());
        assertEquals(head + 2, later.nextCursor());
    }

    @Test
    void eachEventCarriesItsCursorTypeSourceChangesAndTheReconciledCall() {
        long from = db.head();
        UUID call = UUID.randomUUID();
        UUID webhookEvent = UUID.randomUUID();
        reconciler.apply(ringing(call), Source.WEBHOOK, webhookEvent);
        reconciler.apply(inProgress(call), Source.POLL, null);

        given().get("/events?after=" + from)
                .then()
                .statusCode(200)
                .body("data", hasSize(2))
                .body("data[0].id", equalTo((int) from + 1))
                .body("data[0].type", equalTo("call.created"))
                .body("data[0].call_id", equalTo(call.toString()))
                .body("data[0].occurred_at", notNullValue())
                .body("data[0].source", equalTo("webhook"))
                .body("data[0].upstream_event_id", equalTo(webhookEvent.toString()))
                .body("data[0].changes.status.before", nullValue())
                .body("data[0].changes.status.after", equalTo("ringing"))
                .body("data[0].call.id", equalTo(call.toString()))
                .body("data[0].call.status", equalTo("ringing"))
                .body("data[1].type", equalTo("call.status_changed"))
                .body("data[1].source", equalTo("poll"))
                .body("data[1].upstream_event_id", nullValue())
                .body("data[1].changes.status.before", equalTo("ringing"))
                .body("data[1].changes.status.after", equalTo("in_progress"))
                .body("data[1].call.status", equalTo("in_progress"));
        // the id of an event is a cursor: after it comes the next one
        given().get("/events?after=" + (from + 1))
                .then()
                .statusCode(200)
                .body("data", hasSize(1))
                .body("data[0].id", equalTo((int) from + 2));
    }

    @Test
    void filtersByTypeRepeatableAndByCallAloneAndCombined() {
        long from = db.head();
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        reconciler.apply(ringing(a), Source.WEBHOOK, UUID.randomUUID());
        reconciler.apply(ringing(b), Source.WEBHOOK, UUID.randomUUID());
        reconciler.apply(inProgress(a), Source.POLL, null);
        reconciler.apply(inProgress(b), Source.POLL, null);
        reconciler.apply(completedWithResult(a, RESULT), Source.WEBHOOK, UUID.randomUUID());
        reconciler.apply(webhookDelivered(a, RESULT), Source.POLL, null);
        reconciler.apply(completedWithResult(b, RESULT), Source.WEBHOOK, UUID.randomUUID());

        JsonNode all = feed.get("after=" + from + "&limit=500").body().get("data");
        List<String> types = new ArrayList<>();
        all.forEach(e -> types.add(
                e.get("call_id").asText().equals(a.toString())
                        ? "a " + e.get("type").asText()
                        : "b " + e.get("type").asText()));
        assertEquals(
                List.of(
                        "a call.created",
                        "b call.created",
                        "a call.status_changed",
                        "b call.status_changed",
                        "a call.status_changed",
                        "a call.result_ready",
                        "a call.updated",
                        "a call.webhook_status_changed",
                        "b call.status_changed",
                        "b call.result_ready"),
                types);

        assertFiltered(all, from, "type=call.status_changed", e -> type(e, "call.status_changed"));
        assertFiltered(
                all,
                from,
                "type=call.status_changed&type=call.result_ready",
                e -> type(e, "call.status_changed") || type(e, "call.result_ready"));
        assertFiltered(all, from, "call_id=" + a, e -> call(e, a));
        assertFiltered(
                all,
                from,
                "call_id=" + a + "&type=call.status_changed",
                e -> call(e, a) && type(e, "call.status_changed"));
        assertFiltered(
                all,
                from,
                "call_id=" + b + "&type=call.created&type=call.result_ready",
                e -> call(e, b) && (type(e, "call.created") || type(e, "call.result_ready")));
    }

    private void assertFiltered(JsonNode all, long from, String filter, Predicate<JsonNode> matches) {
        List<Long> expected = new ArrayList<>();
        all.forEach(e -> {
            if (matches.test(e)) {
                expected.add(e.get("id").asLong());
            }
        });
        assertFalse(expected.isEmpty(), filter);
        FeedClient.Page page = feed.get("after=" + from + "&" + filter);
        assertEquals(200, page.status(), filter);
        assertEquals(expected, page.ids(), filter);
        assertEquals(db.head(), page.nextCursor(), filter);
        // one at a time, the filter hands out the same events and then the head
        List<Long> oneByOne = new ArrayList<>();
        long cursor = from;
        for (int i = 0; i <= expected.size(); i++) {
            FeedClient.Page single = feed.get("after=" + cursor + "&limit=1&" + filter);
            oneByOne.addAll(single.ids());
            cursor = single.nextCursor();
            if (!single.hasMore()) {
                break;
            }
        }
        assertEquals(expected, oneByOne, filter);
        assertEquals(db.head(), cursor, filter);
    }

    private static boolean type(JsonNode event, String type) {
        return event.get("type").asText().equals(type);
    }

    private static boolean call(JsonNode event, UUID id) {
        return event.get("call_id").asText().equals(id.toString());
    }

    @Test
    void aFilteredCursorMovesPastEventsThatDoNotMatch() {
        UUID quiet = UUID.randomUUID();
        reconciler.apply(ringing(quiet), Source.POLL, null);
        long quietEvent = db.head();
        newCalls(30);
        long head = db.head();

        FeedClient.Page page = feed.get("after=" + (quietEvent - 1) + "&call_id=" + quiet);
        assertEquals(List.of(quietEvent), page.ids());
        assertFalse(page.hasMore());
        assertEquals(head, page.nextCursor(), "the cursor skips the 30 events of other calls");

        newCalls(5);
        FeedClient.Page nothingNew = feed.get("after=" + page.nextCursor() + "&call_id=" + quiet);
        assertEquals(List.of(), nothingNew.ids());
        assertEquals(head + 5, nothingNew.nextCursor());

        reconciler.apply(inProgress(quiet), Source.POLL, null);
        FeedClient.Page news = feed.get("after=" + nothingNew.nextCursor() + "&call_id=" + quiet);
        assertEquals(List.of(head + 6), news.ids());
    }

    @Test
    void withoutAfterTheFeedStartsAtTheOldestRetainedEvent() {
        newCalls(2);
        long oldest = db.deletedThrough() + 1;
        given().get("/events?limit=1")
                .then()
                .statusCode(200)
                .body("data[0].id", equalTo((int) oldest))
                .body("next_cursor", equalTo(Long.toString(oldest)));
    }

    @Test
    void aCursorBelowTheRetainedRangeIsGoneWhileTheFloorItselfIsServed() {
        newCalls(5);
        long floor = db.head();
        db.ageEventsThrough(floor, 400);
        retention.purge();
        assertEquals(floor, db.deletedThrough());
        newCalls(1);

        given().get("/events?after=" + (floor - 1))
                .then()
                .statusCode(410)
                .contentType("application/problem+json")
                .body("status", equalTo(410))
                .body("parameter", equalTo("after"))
                .body("type", equalTo("urn:callingbox-gateway:problem:cursor-expired"))
                .body("detail", containsString("after=" + floor));
        given().get("/events?after=" + floor)
                .then()
                .statusCode(200)
                .body("data", hasSize(1))
                .body("data[0].id", equalTo((int) floor + 1));
        given().get("/events").then().statusCode(200).body("data[0].id", equalTo((int) floor + 1));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "after=abc                        | after   | must be an event id",
                "after=1.5                        | after   | must be an event id",
                "after=99999999999999999999999    | after   | must be an event id",
                "after=-1                         | after   | outside the feed",
                "after=9223372036854775807        | after   | outside the feed",
                "after=-9223372036854775808       | after   | outside the feed",
                "limit=2147483648                 | limit   | from 1 to 500",
                "limit=-2147483649                | limit   | from 1 to 500",
                "limit=0                          | limit   | from 1 to 500",
                "limit=501                        | limit   | from 1 to 500",
                "limit=abc                        | limit   | from 1 to 500",
                "type=call.bogus                  | type    | call.created, call.status_changed, call.result_ready, call.webhook_status_changed, call.updated",
                "type=call.created&type=nope      | type    | 'nope' is not an event type",
                "call_id=not-a-uuid               | call_id | is not a UUID",
                "call_id=6f1c2a8e00004000800000000000 | call_id | is not a UUID",
            })
    void badInputIsAPreciseProblem(String query, String parameter, String detail) {
        assertProblem400("/events?" + query, parameter, detail);
    }

    @Test
    void aCursorAheadOfTheHeadIsAProblem() {
        long head = db.head();
        assertProblem400("/events?after=" + (head + 1), "after", "outside the feed");
    }

    private static void assertProblem400(String path, String parameter, String detail) {
        given().get(path)
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("type", equalTo("urn:callingbox-gateway:problem:invalid-parameter"))
                .body("parameter", equalTo(parameter))
                .body("detail", containsString(detail))
                .body("detail", not(containsString("Exception")));
    }
}
