package io.callingboxgateway.events;

import static io.callingboxgateway.events.Snapshots.inProgress;
import static io.callingboxgateway.events.Snapshots.ringing;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callingboxgateway.reconcile.Reconciler;
import io.callingboxgateway.reconcile.Source;
import io.callingboxgateway.testing.Metrics;
import io.callingboxgateway.testing.PostgresResource;
import io.callingboxgateway.testing.TestDatabase;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The live stream: test profile settings are a 1 s heartbeat and a maximum lag of 50 events. */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class EventStreamTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration A_WHILE = Duration.ofSeconds(10);
    private static final String STREAMS = "gateway_events_streams";

    @Inject
    Reconciler reconciler;

    @Inject
    TestDatabase db;

    @TestHTTPResource("/events/stream")
    URI stream;

    @BeforeEach
    void setUp() {}

    private URI stream(String query) {
        return URI.create(stream + "?" + query);
    }

    private long newCall() {
        reconciler.apply(ringing(UUID.randomUUID()), Source.POLL, null);
        return db.head();
    }

    private List<Long> newCalls(int count) {
        long from = db.head();
        QuarkusTransaction.requiringNew().run(() -> {
            for (int i = 0; i < count; i++) {
                reconciler.apply(ringing(UUID.randomUUID()), Source.POLL, null);
            }
        });
        return LongStream.rangeClosed(from + 1, db.head()).boxed().toList();
    }

    @Test
    void aNewEventReachesAConnectedStreamWithinASecondOfItsCommit() throws Exception {
        long head = db.head();
        try (SseClient client = SseClient.open(stream("after=" + head))) {
            assertEquals(200, client.status);
            assertTrue(client.contentType.startsWith("text/event-stream"), client.contentType);
            for (int i = 0; i < 3; i++) {
                long id = newCall();
                await().atMost(Duration.ofSeconds(1)).until(() -> client.ids().contains(id));
            }
            assertEquals(List.of(head + 1, head + 2, head + 3), client.ids());
        }
    }

    @Test
    void theIdOfEachMessageIsTheEventIdAndItsDataTheFeedEvent() throws Exception {
        long head = db.head();
        UUID call = UUID.randomUUID();
        reconciler.apply(ringing(call), Source.WEBHOOK, UUID.randomUUID());
        reconciler.apply(inProgress(call), Source.POLL, null);
        try (SseClient client = SseClient.open(stream("after=" + head))) {
            await().atMost(A_WHILE).until(() -> client.messages.size() == 2);
            for (SseClient.Message message : client.messages) {
                JsonNode event = JSON.readTree(message.data());
                assertNull(message.event(), "an event is a default message");
                assertEquals(message.id(), event.get("id").asText());
                assertEquals(call.toString(), event.get("call_id").asText());
            }
            JsonNode second = JSON.readTree(client.messages.get(1).data());
            assertEquals("call.status_changed", second.get("type").asText());
            assertEquals(
                    "in_progress",
                    second.get("changes").get("status").get("after").asText());
            assertEquals("in_progress", second.get("call").get("status").asText());
        }
    }

    @Test
    void resumesWithLastEventIdAfterADisconnectWithoutGapOrDuplicate() throws Exception {
        assertResumes(lastSeen -> SseClient.open(stream, Map.of("Last-Event-ID", Long.toString(lastSeen))));
    }

    @Test
    void resumesWithAfterAfterADisconnectWithoutGapOrDuplicate() throws Exception {
        assertResumes(lastSeen -> SseClient.open(stream("after=" + lastSeen)));
    }

    private interface Reconnect {
        SseClient from(long lastSeen);
    }

    private void assertResumes(Reconnect reconnect) throws Exception {
        long head = db.head();
        List<Long> first = newCalls(3);
        long lastSeen;
        try (SseClient client = SseClient.open(stream("after=" + head))) {
            await().atMost(A_WHILE).until(() -> client.ids().size() == 3);
            assertEquals(first, client.ids());
            lastSeen = Long.parseLong(client.messages.get(2).id());
        }
        List<Long> whileAway = newCalls(4);
        try (SseClient client = reconnect.from(lastSeen)) {
            assertEquals(200, client.status, client.errorBody);
            await().atMost(A_WHILE).until(() -> client.ids().size() >= 4);
            long next = newCall();
            await().atMost(A_WHILE).until(() -> client.ids().contains(next));
            List<Long> expected = new java.util.ArrayList<>(whileAway);
            expected.add(next);
            assertEquals(expected, client.ids(), "the missed events, then the live one: no gap, no duplicate");
        }
    }

    @Test
    void lastEventIdWinsOverAfter() throws Exception {
        List<Long> ids = newCalls(3);
        try (SseClient client = SseClient.open(
                stream("after=" + (ids.get(0) - 1)), Map.of("Last-Event-ID", Long.toString(ids.get(1))))) {
            await().atMost(A_WHILE).until(() -> !client.ids().isEmpty());
            assertEquals(List.of(ids.get(2)), client.ids());
        }
    }

    @Test
    void filtersApplyToTheStream() throws Exception {
        long head = db.head();
        UUID watched = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        try (SseClient byCall = SseClient.open(stream("after=" + head + "&call_id=" + watched));
                SseClient byType =
                        SseClient.open(stream("after=" + head + "&type=call.status_changed&call_id=" + watched))) {
            reconciler.apply(ringing(other), Source.POLL, null);
            reconciler.apply(ringing(watched), Source.POLL, null);
            long created = db.head();
            reconciler.apply(inProgress(other), Source.POLL, null);
            reconciler.apply(inProgress(watched), Source.POLL, null);
            long moved = db.head();

            await().atMost(A_WHILE)
                    .until(() -> byCall.ids().size() == 2 && byType.ids().size() == 1);
            assertEquals(List.of(created, moved), byCall.ids());
            assertEquals(List.of(moved), byType.ids());
            // nothing else follows: the next event of the watched call is the next message
            reconciler.apply(Snapshots.completedWithResult(watched, JSON.createObjectNode()), Source.POLL, null);
            await().atMost(A_WHILE)
                    .until(() -> byType.ids().size() == 2 && byCall.ids().size() == 4);
            assertEquals(List.of(moved, moved + 1), byType.ids());
            assertEquals(List.of(created, moved, moved + 1, moved + 2), byCall.ids());
        }
    }

    @Test
    void aClientLeavingOrAHeartbeatDoesNotDisturbTheOtherStreams() throws Exception {
        long head = db.head();
        try (SseClient staying = SseClient.open(stream("after=" + head))) {
            SseClient leaving = SseClient.open(stream("after=" + head));
            await().atMost(A_WHILE).until(() -> Metrics.value(STREAMS) >= 2);
            leaving.close();
            await().atMost(A_WHILE).until(() -> staying.comments.size() >= 1);
            long id = newCall();
            await().atMost(Duration.ofSeconds(1)).until(() -> staying.ids().contains(id));
            assertTrue(!staying.ended());
        }
    }

    @Test
    void aQuietStreamSendsHeartbeatComments() throws Exception {
        try (SseClient client = SseClient.open(stream("call_id=" + UUID.randomUUID() + "&after=" + db.head()))) {
            await().atMost(A_WHILE).until(() -> client.comments.size() >= 2);
            assertTrue(client.messages.isEmpty());
            assertTrue(!client.ended());
        }
    }

    @Test
    void aStreamTooFarBehindIsToldToResumeFromItsCursorAndEnds() throws Exception {
        long cursor = db.head();
        newCalls(60);
        try (SseClient client = SseClient.open(stream("after=" + cursor))) {
            await().atMost(A_WHILE).until(client::ended);
            assertEquals(1, client.messages.size(), "only the resume instruction, no partial backlog");
            SseClient.Message resume = client.messages.get(0);
            assertEquals("resume", resume.event());
            assertEquals(Long.toString(cursor), resume.id());
            assertEquals(
                    Long.toString(cursor),
                    JSON.readTree(resume.data()).get("after").asText());
        }
        // the feed serves what the stream would not, from that very cursor
        FeedClient.Page page = new FeedClient(stream.resolve("/")).get("after=" + cursor + "&limit=500");
        assertEquals(60, page.ids().size());
        assertEquals(cursor + 1, page.ids().get(0));
    }

    @Test
    void aStreamWithinTheLagGetsItsBacklogAndStaysOpen() throws Exception {
        long cursor = db.head();
        List<Long> backlog = newCalls(40);
        try (SseClient client = SseClient.open(stream("after=" + cursor))) {
            await().atMost(A_WHILE).until(() -> client.ids().size() == 40);
            assertEquals(backlog, client.ids());
            long next = newCall();
            await().atMost(A_WHILE).until(() -> client.ids().contains(next));
        }
    }

    @Test
    void invalidParametersAreAProblemNotAStream() {
        long head = db.head();
        assertProblem(stream("after=abc"), Map.of(), 400, "after");
        assertProblem(stream("after=" + (head + 1)), Map.of(), 400, "after");
        assertProblem(stream, Map.of("Last-Event-ID", "xyz"), 400, "Last-Event-ID");
        assertProblem(stream("after=9223372036854775807"), Map.of(), 400, "after");
        assertProblem(stream, Map.of("Last-Event-ID", "99999999999999999999"), 400, "Last-Event-ID");
        assertProblem(stream, Map.of("Last-Event-ID", "-9223372036854775808"), 400, "Last-Event-ID");
        assertProblem(stream("type=call.bogus"), Map.of(), 400, "type");
        assertProblem(stream("call_id=nope"), Map.of(), 400, "call_id");
    }

    static void assertProblem(URI uri, Map<String, String> headers, int status, String parameter) {
        SseClient client = SseClient.open(uri, headers);
        assertEquals(status, client.status, uri.toString());
        assertTrue(client.contentType.startsWith("application/problem+json"), client.contentType);
        try {
            JsonNode problem = JSON.readTree(client.errorBody);
            assertEquals(status, problem.get("status").asInt());
            assertEquals(parameter, problem.get("parameter").asText());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theStreamsGaugeCountsConnectedStreams() throws Exception {
        await().atMost(A_WHILE).until(() -> Metrics.value(STREAMS) == 0);
        try (SseClient one = SseClient.open(stream("after=" + db.head()));
                SseClient two = SseClient.open(stream("after=" + db.head()))) {
            await().atMost(A_WHILE).until(() -> Metrics.value(STREAMS) == 2);
            one.close();
            await().atMost(A_WHILE).until(() -> Metrics.value(STREAMS) == 1);
        }
        await().atMost(A_WHILE).until(() -> Metrics.value(STREAMS) == 0);
    }
}
