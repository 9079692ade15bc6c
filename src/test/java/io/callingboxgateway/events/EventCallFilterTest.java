package io.callingboxgateway.events;

import static io.callingboxgateway.testing.TestCredentials.bearer;
import static io.callingboxgateway.testing.TestCredentials.issue;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callingboxgateway.reconcile.Reconciler;
import io.callingboxgateway.testing.FilterableCall;
import io.callingboxgateway.testing.PostgresResource;
import io.callingboxgateway.testing.TestCredentials;
import io.callingboxgateway.testing.TestDatabase;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The call filters of {@code /events} and {@code /events/stream}: they test the whole call as it stood
 * right after each event, in the database for pages and in memory for the shared stream window.
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class EventCallFilterTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String INVALID = "urn:callingbox-gateway:problem:invalid-parameter";

    @Inject
    Reconciler reconciler;

    @Inject
    TestDatabase db;

    @TestHTTPResource("/events/stream")
    URI stream;

    private long before;
    private String team;

    @BeforeEach
    void freshTeam() {
        before = db.head();
        team = FilterableCall.newTeam();
    }

    @Test
    void statusAndMetadataSelectTheEventsWhoseCallMatchedRightAfterThem() throws Exception {
        FilterableCall completed = FilterableCall.queued(reconciler, team).to(reconciler, "completed");
        FilterableCall unanswered = FilterableCall.queued(reconciler, team).to(reconciler, "no_answer");
        FilterableCall.queued(reconciler, "other-" + team).to(reconciler, "completed");

        JsonNode page = read(TestCredentials.ADMIN_KEY, "status=completed&metadata.team=" + team);
        assertEquals(1, page.get("data").size(), page.toString());
        JsonNode event = page.get("data").get(0);
        assertEquals(completed.id.toString(), event.get("call_id").asText());
        assertEquals("call.status_changed", event.get("type").asText());
        assertEquals("completed", event.at("/call/status").asText());

        JsonNode both = read(TestCredentials.ADMIN_KEY, "status=completed&status=no_answer&metadata.team=" + team);
        assertEquals(
                List.of(completed.id.toString(), unanswered.id.toString()),
                callIds(both),
                "a repeated status matches any of them, in feed order");

        JsonNode wholeTeam = read(TestCredentials.ADMIN_KEY, "metadata.team=" + team);
        assertEquals(4, wholeTeam.get("data").size(), "created and status_changed of both calls of the team");
        assertEquals(
                4,
                read(TestCredentials.ADMIN_KEY, "metadata.team=" + team + "&metadata.priority=2")
                        .get("data")
                        .size(),
                "a number in metadata matches as written");
        assertEquals(
                0,
                read(TestCredentials.ADMIN_KEY, "metadata.team=" + team + "&metadata.priority=3")
                        .get("data")
                        .size());
        assertEquals(
                List.of(completed.id.toString(), completed.id.toString()),
                callIds(read(
                        TestCredentials.ADMIN_KEY,
                        "agent_id=" + completed.agentId
                                + "&direction=outbound&type=call.created&type=call.status_changed")),
                "call fields combine with event types");
    }

    @Test
    void aReaderWithoutPiiReadFindsEventsByTheFullNumberAndSeesThemMasked() throws Exception {
        FilterableCall call = FilterableCall.queued(reconciler, team).to(reconciler, "completed");
        FilterableCall.queued(reconciler, team);
        String masked = issue("filter-masked-reader", "events:read");

        JsonNode page = read(masked, "to_number=" + call.toNumber);
        assertEquals(List.of(call.id.toString(), call.id.toString()), callIds(page));
        for (JsonNode event : page.get("data")) {
            assertFalse(event.toString().contains(call.toNumber), "the number is masked in what is shown");
            assertTrue(event.at("/call/metadata").isNull());
        }
        assertEquals(
                2,
                read(masked, "metadata.team=" + team + "&status=queued")
                        .get("data")
                        .size(),
                "metadata filters test the call before masking, too");
    }

    @Test
    void theStreamFiltersNewEventsInMemoryAsThePageWould() throws Exception {
        String filter = "status=completed&metadata.team=" + team;
        try (SseClient client = SseClient.open(URI.create(stream + "?after=" + db.head() + "&" + filter))) {
            FilterableCall first = FilterableCall.queued(reconciler, team).to(reconciler, "completed");
            FilterableCall.queued(reconciler, team).to(reconciler, "no_answer");
            FilterableCall.queued(reconciler, "other-" + team).to(reconciler, "completed");
            FilterableCall second = FilterableCall.queued(reconciler, team).to(reconciler, "completed");

            await().atMost(Duration.ofSeconds(10)).until(() -> client.ids().size() >= 2);
            List<String> streamed = new ArrayList<>();
            for (SseClient.Message message : client.messages) {
                JsonNode event = JSON.readTree(message.data());
                assertEquals("completed", event.at("/call/status").asText());
                streamed.add(event.get("call_id").asText());
            }
            assertEquals(List.of(first.id.toString(), second.id.toString()), streamed);
            assertEquals(client.ids(), ids(read(TestCredentials.ADMIN_KEY, filter)), "the stream and the page agree");
        }
    }

    @Test
    void anInvalidFilterIsRefusedNamingTheParameter() throws Exception {
        Map<String, String> refused = Map.of(
                "status=ringing&status=bogus", "status",
                "direction=sideways", "direction",
                "result_status=done", "result_status",
                "webhook_status=lost", "webhook_status",
                "agent_id=not-a-uuid", "agent_id",
                "to_number=12345", "to_number",
                "from_number=%2B0", "from_number",
                "metadata.=x", "metadata.",
                "metadata.team=a&metadata.team=b", "metadata.team");
        for (Map.Entry<String, String> bad : refused.entrySet()) {
            bearer(TestCredentials.ADMIN_KEY)
                    .get("/events?" + bad.getKey())
                    .then()
                    .statusCode(400)
                    .contentType("application/problem+json")
                    .body("type", org.hamcrest.Matchers.equalTo(INVALID))
                    .body("parameter", org.hamcrest.Matchers.equalTo(bad.getValue()));
        }
        try (SseClient client = SseClient.open(URI.create(stream + "?status=bogus"))) {
            assertEquals(400, client.status);
            assertEquals(
                    "status", JSON.readTree(client.errorBody).get("parameter").asText());
        }
    }

    private JsonNode read(String key, String query) throws Exception {
        String body = bearer(key)
                .get("/events?after=" + before + "&" + query)
                .then()
                .statusCode(200)
                .extract()
                .asString();
        return JSON.readTree(body);
    }

    private static List<String> callIds(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.get("data").forEach(event -> ids.add(event.get("call_id").asText()));
        return ids;
    }

    private static List<Long> ids(JsonNode page) {
        List<Long> ids = new ArrayList<>();
        page.get("data").forEach(event -> ids.add(event.get("id").asLong()));
        return ids;
    }
}
