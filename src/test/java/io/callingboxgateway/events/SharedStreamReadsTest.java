package io.callingboxgateway.events;

import static io.callingboxgateway.events.Snapshots.ringing;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callingboxgateway.database.ReadBudget;
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
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * Live streams share one database read per new range (test profile: a window of 20 events, a maximum
 * lag of 50, a heartbeat every second).
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class SharedStreamReadsTest {

    private static final Duration A_WHILE = Duration.ofSeconds(20);
    private static final String SHARED = "gateway_events_reads_total{read=\"shared\"}";
    private static final String OWN = "gateway_events_reads_total{read=\"own\"}";
    private static final int STREAMS = 20;

    @Inject
    Reconciler reconciler;

    @Inject
    ReadBudget budget;

    @TestHTTPResource("/events/stream")
    URI stream;

    @Inject
    TestDatabase db;

    private long newCall() {
        reconciler.apply(ringing(UUID.randomUUID()), Source.POLL, null);
        return db.head();
    }

    @Test
    void manyStreamsTakeEachNewEventFromOneReadAndEachGetsEveryEventInOrder() throws Exception {
        long head = db.head();
        List<SseClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < STREAMS; i++) {
                clients.add(SseClient.open(URI.create(stream + "?after=" + head)));
            }
            // A heartbeat on every stream: each has looked for events once and is now waiting
            await().atMost(A_WHILE).until(() -> clients.stream().allMatch(c -> !c.comments.isEmpty()));
            double shared = Metrics.value(SHARED);
            double own = Metrics.value(OWN);

            List<Long> sent = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                long id = newCall();
                sent.add(id);
                await().atMost(A_WHILE)
                        .until(() -> clients.stream().allMatch(c -> c.ids().contains(id)));
            }

            assertEquals(3, Metrics.value(SHARED) - shared, "one read per new event for all " + STREAMS + " streams");
            assertEquals(0, Metrics.value(OWN) - own, "no stream read on its own");
            for (SseClient client : clients) {
                assertEquals(sent, client.ids(), "every event, once, in order");
            }
        } finally {
            for (SseClient client : clients) {
                client.close();
            }
        }
    }

    @Test
    void aStreamBehindTheWindowReadsOnItsOwnUntilItCatchesUpWithoutGapOrDuplicate() throws Exception {
        long cursor = db.head();
        QuarkusTransaction.requiringNew().run(() -> {
            for (int i = 0; i < 30; i++) {
                reconciler.apply(ringing(UUID.randomUUID()), Source.POLL, null);
            }
        });
        List<Long> expected = new ArrayList<>(
                LongStream.rangeClosed(cursor + 1, db.head()).boxed().toList());
        double own = Metrics.value(OWN);
        try (SseClient behind = SseClient.open(URI.create(stream + "?after=" + cursor));
                SseClient live = SseClient.open(URI.create(stream + "?after=" + db.head()))) {
            await().atMost(A_WHILE).until(() -> behind.ids().size() == 30);
            assertTrue(Metrics.value(OWN) > own, "30 events back is older than a window of 20");
            long next = newCall();
            expected.add(next);
            await().atMost(A_WHILE)
                    .until(() -> behind.ids().contains(next) && live.ids().contains(next));
            assertEquals(expected, behind.ids());
            assertEquals(List.of(next), live.ids());
        }
    }

    @Test
    void aFilteredStreamTakesOnlyItsEventsFromTheSharedRead() throws Exception {
        long head = db.head();
        UUID watched = UUID.randomUUID();
        try (SseClient all = SseClient.open(URI.create(stream + "?after=" + head));
                SseClient one = SseClient.open(URI.create(stream + "?after=" + head + "&call_id=" + watched))) {
            await().atMost(A_WHILE).until(() -> !all.comments.isEmpty() && !one.comments.isEmpty());
            long before = newCall();
            reconciler.apply(ringing(watched), Source.POLL, null);
            long mine = db.head();
            long after = newCall();
            await().atMost(A_WHILE).until(() -> all.ids().contains(after));
            await().atMost(A_WHILE).until(() -> one.ids().contains(mine));
            assertEquals(List.of(before, mine, after), all.ids());
            assertEquals(List.of(mine), one.ids());
        }
    }

    @Test
    void aStreamThatCannotGetAReadPlaceEndsWithResumeAtItsCursor() throws Exception {
        long head = db.head();
        try (SseClient client = SseClient.open(URI.create(stream + "?after=" + head))) {
            await().atMost(A_WHILE).until(() -> !client.comments.isEmpty());
            for (int i = 0; i < budget.size(); i++) {
                budget.acquire(false);
            }
            try {
                newCall();
                await().atMost(A_WHILE).until(client::ended);
            } finally {
                for (int i = 0; i < budget.size(); i++) {
                    budget.release();
                }
            }
            assertEquals(1, client.messages.size(), "no event, only the instruction to come back");
            SseClient.Message resume = client.messages.get(0);
            assertEquals("resume", resume.event());
            assertEquals(Long.toString(head), resume.id());
        }
    }
}
