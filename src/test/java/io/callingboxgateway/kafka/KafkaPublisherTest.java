package io.callingboxgateway.kafka;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callingboxgateway.background.BackgroundThreads;
import io.callingboxgateway.events.CloudEvent;
import io.callingboxgateway.reconcile.Reconciler;
import io.callingboxgateway.reconcile.Source;
import io.callingboxgateway.testing.CallingBoxWireMock;
import io.callingboxgateway.testing.Metrics;
import io.callingboxgateway.testing.PostgresResource;
import io.callingboxgateway.testing.TestCall;
import io.callingboxgateway.testing.TestDatabase;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.common.annotation.Identifier;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The publisher against a real broker (a KRaft node in a child JVM): what a consumer of the topic sees
 * when all is well, when the broker dies and comes back, when the producer dies mid-stream, when the
 * publisher restarts, and when a second replica competes for the lease.
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = CallingBoxWireMock.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = KafkaBrokerResource.class, scope = TestResourceScope.RESTRICTED_TO_CLASS)
class KafkaPublisherTest {

    private static final Duration DELIVERED_WITHIN = Duration.ofSeconds(60);

    @Inject
    KafkaPublisher publisher;

    @Inject
    Reconciler reconciler;

    @Inject
    TestDatabase db;

    @Inject
    ObjectMapper json;

    @Inject
    KafkaConfig config;

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaSettings;

    @Inject
    PublisherLease lease;

    @Inject
    PendingEvents pending;

    @Inject
    CloudEventRecords records;

    @Inject
    KafkaPublisherMetrics metrics;

    @Inject
    BackgroundThreads threads;

    private TopicReader reader;

    @BeforeEach
    void read() {
        KafkaBrokerResource.broker().start();
        publisher.start();
        reader = new TopicReader(KafkaBrokerResource.broker().bootstrapServers(), KafkaBrokerResource.TOPIC);
    }

    @AfterEach
    void closeReader() {
        reader.close();
    }

    @Test
    void everyEventArrivesAsACloudEventInOrderPerCall() throws Exception {
        List<UUID> calls = callsThroughTheirLives(6);
        Map<UUID, List<Long>> expected = numberedEvents(calls);

        List<TopicReader.Received> received = awaitEvery(calls, expected);

        assertInOrderPerCall(calls, expected, received);
        TopicReader.Received first = received.stream()
                .filter(r -> r.eventId() == expected.get(calls.get(0)).get(0))
                .findFirst()
                .orElseThrow();
        assertEquals("1.0", first.headers().get("ce_specversion"));
        assertEquals("io.callingbox.call.created", first.headers().get("ce_type"));
        assertEquals(calls.get(0).toString(), first.headers().get("ce_subject"));
        assertEquals("urn:callingbox-gateway", first.headers().get("ce_source"));
        assertTrue(first.headers().containsKey("ce_time"));
        assertEquals(CloudEvent.DATA_CONTENT_TYPE, first.headers().get("content-type"));
        JsonNode data = json.readTree(first.value());
        assertEquals(first.eventId(), data.get("id").asLong());
        assertEquals("call.created", data.get("type").asText());
        // Kafka readers hold no credential: personal data is masked unless configured otherwise
        assertFalse(first.value().contains(TestCall.ALICE), first.value());
        assertTrue(data.get("call").has("to_number"), first.value());
    }

    @Test
    void aBrokerOutageLosesNothingAndKeepsEachCallInOrder() {
        List<UUID> before = callsThroughTheirLives(3);
        awaitEvery(before, numberedEvents(before));
        double errorsBefore = errors();

        KafkaBrokerResource.broker().kill();
        List<UUID> during = callsThroughTheirLives(4);
        Map<UUID, List<Long>> expected = numberedEvents(during);
        await("the publisher notices the outage").atMost(DELIVERED_WITHIN).until(() -> errors() > errorsBefore);
        KafkaBrokerResource.broker().start();

        List<TopicReader.Received> received = awaitEvery(during, expected);
        assertInOrderPerCall(during, expected, received);
    }

    @Test
    void aProducerKilledMidStreamLosesNothingAndKeepsEachCallInOrder() {
        List<UUID> calls = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            calls.addAll(callsThroughTheirLives(4));
            publisher.abortProducer();
        }
        Map<UUID, List<Long>> expected = numberedEvents(calls);

        List<TopicReader.Received> received = awaitEvery(calls, expected);

        assertInOrderPerCall(calls, expected, received);
    }

    @Test
    void aRestartedPublisherResumesAfterTheStoredPosition() {
        List<UUID> published = callsThroughTheirLives(2);
        awaitEvery(published, numberedEvents(published));
        await().atMost(DELIVERED_WITHIN).until(() -> storedPosition() >= db.head());
        publisher.stop();

        List<UUID> whileStopped = callsThroughTheirLives(2);
        Map<UUID, List<Long>> expected = numberedEvents(whileStopped);
        long sentBefore = publisher.sent();
        long stored = storedPosition();
        long head = db.head();
        publisher.start();

        awaitEvery(whileStopped, expected);
        await().atMost(DELIVERED_WITHIN).until(() -> storedPosition() >= head);
        // nothing at or below the stored position was sent again: exactly the events after it
        assertEquals(head - stored, publisher.sent() - sentBefore);
        assertEquals(
                1,
                reader.of(published).stream()
                        .filter(r -> r.eventId() == expected(published))
                        .count());
    }

    @Test
    void ofTwoReplicasOnlyTheLeaseHolderPublishesAndTheOtherTakesOver() {
        KafkaPublisher other = new KafkaPublisher(
                config, kafkaSettings, lease, pending, records, metrics, threads, "replica-b-" + UUID.randomUUID());
        try {
            List<UUID> first = callsThroughTheirLives(3);
            other.start();
            Map<UUID, List<Long>> expectedFirst = numberedEvents(first);
            awaitEvery(first, expectedFirst);
            assertEquals(0, other.sent(), "the replica without the lease published nothing");
            assertNoDuplicates(reader.of(first));

            publisher.stop();
            List<UUID> second = callsThroughTheirLives(3);
            Map<UUID, List<Long>> expectedSecond = numberedEvents(second);
            List<TopicReader.Received> received = awaitEvery(second, expectedSecond);
            assertTrue(other.sent() > 0, "the other replica took over");
            assertInOrderPerCall(second, expectedSecond, received);
        } finally {
            other.stop();
            publisher.start();
        }
    }

    /** Calls that each go queued, ringing, in progress, completed: several events per call, interleaved. */
    private List<UUID> callsThroughTheirLives(int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(UUID.randomUUID().toString());
        }
        List<Function<String, TestCall>> stages = List.of(
                id -> TestCall.queued(id, "2026-04-16T10:00:00Z"),
                id -> TestCall.ringing(id, "2026-04-16T10:00:00Z"),
                id -> TestCall.inProgress(id, "2026-04-16T10:00:00Z"),
                id -> TestCall.completed(id, "2026-04-16T10:00:00Z"));
        for (Function<String, TestCall> stage : stages) {
            for (String id : ids) {
                reconciler.apply(stage.apply(id).to(TestCall.ALICE).snapshot(), Source.POLL, null);
            }
        }
        return ids.stream().map(UUID::fromString).toList();
    }

    /** Each call's event ids, once the sequencer numbered them all. */
    private Map<UUID, List<Long>> numberedEvents(List<UUID> calls) {
        Map<UUID, List<Long>> events = new LinkedHashMap<>();
        for (UUID call : calls) {
            await().atMost(DELIVERED_WITHIN)
                    .until(() -> db.queryLong("select count(*) from call_event where call_id = ? and id is null", call)
                            == 0);
            events.put(
                    call,
                    db.query("select id from call_event where call_id = ? order by id", row -> row.getLong(1), call));
            assertTrue(events.get(call).size() >= 4, "each call has its events: " + events.get(call));
        }
        return events;
    }

    private List<TopicReader.Received> awaitEvery(List<UUID> calls, Map<UUID, List<Long>> expected) {
        Set<Long> wanted = expected.values().stream().flatMap(List::stream).collect(Collectors.toSet());
        await("every event on the topic")
                .atMost(DELIVERED_WITHIN)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> reader.of(calls).stream()
                        .map(TopicReader.Received::eventId)
                        .collect(Collectors.toSet())
                        .containsAll(wanted));
        return reader.of(calls);
    }

    /**
     * At least once and in order per call: each call's records, duplicates aside, come in event-id
     * order, and a record sent again never comes before an event later than it was first followed by
     * (a re-send restarts from the stored position, and replays the tail in order).
     */
    private static void assertInOrderPerCall(
            List<UUID> calls, Map<UUID, List<Long>> expected, List<TopicReader.Received> received) {
        for (UUID call : calls) {
            List<Long> arrived = received.stream()
                    .filter(r -> r.key().equals(call.toString()))
                    .map(TopicReader.Received::eventId)
                    .toList();
            List<Long> firstArrivals = arrived.stream().distinct().toList();
            assertEquals(expected.get(call), firstArrivals, "first arrivals in event-id order for " + call);
            assertEquals(
                    1,
                    received.stream()
                            .filter(r -> r.key().equals(call.toString()))
                            .map(TopicReader.Received::partition)
                            .distinct()
                            .count(),
                    "one partition per call");
        }
    }

    private static void assertNoDuplicates(List<TopicReader.Received> received) {
        Set<Long> seen = new HashSet<>();
        for (TopicReader.Received record : received) {
            assertTrue(seen.add(record.eventId()), "event " + record.eventId() + " arrived twice");
        }
    }

    private long expected(List<UUID> calls) {
        return numberedEvents(calls).get(calls.get(0)).get(0);
    }

    private long storedPosition() {
        return db.queryLong(
                "select coalesce(published_through, 0) from kafka_publisher where topic = ?",
                KafkaBrokerResource.TOPIC);
    }

    private static double errors() {
        return Metrics.value("gateway_kafka_publish_errors_total{topic=\"" + KafkaBrokerResource.TOPIC + "\"}");
    }
}
