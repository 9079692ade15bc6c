package io.callingboxgateway.events;

import static io.callingboxgateway.events.Snapshots.ringing;
import static io.callingboxgateway.testing.SignedWebhook.CURRENT_SECRET;
import static io.callingboxgateway.testing.SignedWebhook.envelope;
import static io.callingboxgateway.testing.SignedWebhook.now;
import static io.callingboxgateway.testing.SignedWebhook.signature;
import static io.restassured.RestAssured.given;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.agroal.api.AgroalDataSource;
import io.callingboxgateway.reconcile.Reconciler;
import io.callingboxgateway.reconcile.Source;
import io.callingboxgateway.testing.PostgresResource;
import io.callingboxgateway.testing.SignedWebhook;
import io.callingboxgateway.testing.TestDatabase;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Events are numbered after commit (ADR 0063): a writer holding its events uncommitted keeps no other
 * call's webhook waiting, and events a replica committed but never numbered (it died in between) are
 * numbered by any other replica's sequencer.
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class EventNumberingTest {

    @Inject
    Reconciler reconciler;

    @Inject
    AgroalDataSource dataSource;

    @TestHTTPResource("/")
    URI base;

    @Test
    void aWebhookIsAcceptedAndOnTheFeedWhileAnotherCallsWriterHoldsItsEvents() throws Exception {
        FeedClient feed = new FeedClient(base);
        UUID held = UUID.randomUUID();
        CountDownLatch written = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> holder = CompletableFuture.runAsync(() -> QuarkusTransaction.requiringNew()
                .run(() -> {
                    reconciler.apply(ringing(held), Source.WEBHOOK, UUID.randomUUID());
                    written.countDown();
                    awaitLatch(release);
                }));
        try {
            assertTrue(written.await(20, TimeUnit.SECONDS), "the holder wrote its event");

            UUID call = UUID.randomUUID();
            byte[] body = envelope(
                            UUID.randomUUID(),
                            "call.answered",
                            call,
                            "in_progress",
                            Instant.parse("2026-11-28T10:00:30Z"))
                    .getBytes(UTF_8);
            given().contentType("application/json")
                    .header("CallingBox-Signature", signature(CURRENT_SECRET, now(), body))
                    .body(body)
                    .post(SignedWebhook.PATH)
                    .then()
                    .statusCode(200);

            // answered 2xx means on the feed: no look at the database needed in between
            List<JsonNode> accepted = events(feed, call);
            assertEquals(1, accepted.size(), "the accepted webhook's event is on the feed");
            assertEquals(List.of(), events(feed, held), "the held event is not, while uncommitted");
            long acceptedId = accepted.get(0).get("id").asLong();

            release.countDown();
            holder.get(20, TimeUnit.SECONDS);
            List<JsonNode> late = events(feed, held);
            assertEquals(1, late.size(), "the held event once it committed");
            assertTrue(
                    late.get(0).get("id").asLong() > acceptedId,
                    "a late commit is numbered above what readers already passed");
        } finally {
            release.countDown();
        }
    }

    @Test
    void eventsCommittedButNeverNumberedAreNumberedByTheSafetyNet() throws Exception {
        TestDatabase db = new TestDatabase(dataSource);
        FeedClient feed = new FeedClient(base);
        long before = db.head();
        UUID call = UUID.randomUUID();
        // as a replica that committed and died before its sequencer ran: rows with no id, no wake-up here
        try (Connection replica = db.openTransaction()) {
            for (int seq = 1; seq <= 3; seq++) {
                TestDatabase.prepare(replica, """
                                insert into call_event (call_id, call_seq, type, source, changes, call)
                                values (?, ?, 'call.updated', 'poll', '{}', '{}')
                                """, call, seq).executeUpdate();
            }
            replica.commit();
        }

        await().atMost(Duration.ofSeconds(20)).until(() -> events(feed, call).size() == 3);
        List<JsonNode> numbered = events(feed, call);
        List<Integer> seqs = new ArrayList<>();
        numbered.forEach(e -> seqs.add(e.get("call_seq").asInt()));
        assertEquals(List.of(1, 2, 3), seqs, "numbered in the order they were written");
        long first = numbered.get(0).get("id").asLong();
        assertTrue(first > before, "numbered above everything numbered before");
        assertEquals(first + 2, numbered.get(2).get("id").asLong(), "consecutive, in one run");
        assertEquals(0, db.queryLong("select count(*) from call_event where id is null"));
    }

    /** The call's events on the feed, from the oldest retained one. */
    private static List<JsonNode> events(FeedClient feed, UUID call) {
        FeedClient.Page page = feed.get("call_id=" + call + "&limit=100");
        assertEquals(200, page.status(), page.body().toString());
        List<JsonNode> events = new ArrayList<>();
        page.body().get("data").forEach(events::add);
        return events;
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            assertTrue(latch.await(20, TimeUnit.SECONDS), "latch released in time");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
