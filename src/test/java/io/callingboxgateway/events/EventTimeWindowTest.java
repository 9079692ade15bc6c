package io.callingboxgateway.events;

import static io.callingboxgateway.testing.TestCredentials.bearer;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callingboxgateway.reconcile.Reconciler;
import io.callingboxgateway.testing.FilterableCall;
import io.callingboxgateway.testing.PostgresResource;
import io.callingboxgateway.testing.TestCredentials;
import io.callingboxgateway.testing.TestDatabase;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code /events?since=&until=}: a window of {@code occurred_at}, {@code since} inclusive and
 * {@code until} exclusive, combinable with {@code after} and the filters. The events of each test are
 * moved to an hour of 2031 of their own, which no other event occupies.
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class EventTimeWindowTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    Reconciler reconciler;

    @Inject
    TestDatabase db;

    @Test
    void sinceIsInclusiveUntilExclusiveAndBothCombineWithAfterAndFilters() throws Exception {
        Instant t = Instant.parse("2031-05-04T14:00:00Z");
        long before = db.head();
        String team = FilterableCall.newTeam();
        List<Long> events = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            FilterableCall.queued(reconciler, team);
            events.add(db.head());
            occurred(db.head(), t.plusSeconds(i));
        }

        assertEquals(List.of(events.get(1)), ids("since=2031-05-04T14:00:01Z&until=2031-05-04T14:00:02Z"));
        assertEquals(events, ids("since=" + t));
        assertEquals(events.subList(1, 3), ids("after=" + events.get(0) + "&since=" + t));
        assertEquals(
                List.of(events.get(0)),
                ids("after=" + before + "&until=2031-05-04T14:00:01Z&metadata.team=" + team),
                "until alone: everything before it, here narrowed to this test's calls");
        assertEquals(List.of(), ids("since=" + t + "&metadata.team=other-" + team));
        assertEquals(
                events.subList(1, 3),
                ids("since=2031-05-04T16:00:01+02:00"),
                "an offset other than Z names the same instant");
    }

    @Test
    void badTimestampsAreRefusedNamingTheParameter() {
        Map<String, String> refused = Map.of(
                "since=yesterday", "since",
                "until=2031-13-01T00:00:00Z", "until",
                "since=2031-05-04T14:00:00", "since",
                "since=2031-05-04T14:00:00Z&until=2031-05-04T14:00:00Z", "until",
                "since=2031-05-04T15:00:00Z&until=2031-05-04T14:00:00Z", "until");
        refused.forEach((query, parameter) -> bearer(TestCredentials.ADMIN_KEY)
                .get("/events?" + query)
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("parameter", equalTo(parameter)));
    }

    @Test
    void aWindowThatStartsBeforeTheRetainedEventsIsGone() {
        // retained events that occurred now, beyond the one the test marks as deleted
        FilterableCall.queued(reconciler, FilterableCall.newTeam());
        FilterableCall.queued(reconciler, FilterableCall.newTeam());
        long saved = db.deletedThrough();
        db.update("update event_retention set deleted_through = ?", Math.max(saved, 1));
        try {
            bearer(TestCredentials.ADMIN_KEY)
                    .get("/events?since=2000-01-01T00:00:00Z")
                    .then()
                    .statusCode(410)
                    .contentType("application/problem+json")
                    .body("type", equalTo("urn:callingbox-gateway:problem:window-expired"))
                    .body("parameter", equalTo("since"));
            bearer(TestCredentials.ADMIN_KEY)
                    .get("/events?since=2031-06-01T00:00:00Z")
                    .then()
                    .statusCode(200);
        } finally {
            db.update("update event_retention set deleted_through = ?", saved);
        }
    }

    private void occurred(long eventId, Instant at) {
        db.update(
                "update call_event set occurred_at = ? where id = ?",
                OffsetDateTime.ofInstant(at, ZoneOffset.UTC),
                eventId);
    }

    private List<Long> ids(String query) throws Exception {
        JsonNode page = JSON.readTree(bearer(TestCredentials.ADMIN_KEY)
                .get("/events?" + query)
                .then()
                .statusCode(200)
                .extract()
                .asString());
        List<Long> ids = new ArrayList<>();
        page.get("data").forEach(event -> ids.add(event.get("id").asLong()));
        return ids;
    }
}
