package io.callingboxgateway.events;

import static io.callingboxgateway.events.Snapshots.inProgress;
import static io.callingboxgateway.events.Snapshots.ringing;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callingboxgateway.reconcile.CallMerge.Outcome;
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
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Retention with the clock compressed: events are aged by moving their occurred_at back (test setup
 * only; they are written through the reconciler), then purge runs with the real "now". The test
 * profile deletes 10 events per batch.
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class EventRetentionTest {

    private static final int BATCH = 10;
    private static final String DELETED = "gateway_events_retention_deleted_total";

    @Inject
    Reconciler reconciler;

    @Inject
    EventRetention retention;

    @Inject
    TestDatabase db;

    @TestHTTPResource("/")
    URI base;

    @BeforeEach
    void setUp() {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
        // Subscriptions left by other tests would hold retention back (their dead letters go with them).
        db.update("delete from subscription");
    }

    private void newCalls(int count) {
        QuarkusTransaction.requiringNew().run(() -> {
            for (int i = 0; i < count; i++) {
                reconciler.apply(ringing(UUID.randomUUID()), Source.POLL, null);
            }
        });
    }

    @Test
    void deletesOldEventsInBatchesThatCommitOneByOneWithoutBlockingWriters() throws Exception {
        newCalls(3 * BATCH);
        long floorBefore = db.deletedThrough();
        long oldest = db.head();
        db.ageEventsThrough(oldest, 400);
        double deletedBefore = Metrics.value(DELETED);

        // a reader holds one event of the second batch: retention must stop there, not before
        long held = floorBefore + BATCH + 5;
        long deletedThroughWhileHeld;
        Outcome writtenWhileHeld;
        CompletableFuture<Long> purge;
        try (Connection reader = db.openTransaction()) {
            try (PreparedStatement lock =
                            TestDatabase.prepare(reader, "select id from call_event where id = ? for share", held);
                    ResultSet rows = lock.executeQuery()) {
                assertTrue(rows.next());
            }
            purge = CompletableFuture.supplyAsync(() -> retention.purge());
            await().atMost(Duration.ofSeconds(10)).until(() -> db.waitingOnLock("delete from call_event") > 0);
            deletedThroughWhileHeld = db.deletedThrough();

            UUID call = UUID.randomUUID();
            writtenWhileHeld = CompletableFuture.supplyAsync(() -> reconciler.apply(ringing(call), Source.POLL, null))
                    .get(10, TimeUnit.SECONDS);
            reader.rollback();
        }
        long deleted = purge.get(10, TimeUnit.SECONDS);

        assertEquals(floorBefore + BATCH, deletedThroughWhileHeld, "the first batch committed on its own");
        assertEquals(Outcome.CREATED, writtenWhileHeld, "a writer went through while retention was busy");
        assertEquals(oldest - floorBefore, deleted);
        assertEquals(oldest, db.deletedThrough());
        assertEquals(0, db.queryLong("select count(*) from call_event where id <= ?", oldest));
        assertEquals(1, db.queryLong("select count(*) from call_event where id > ?", oldest));
        assertEquals(deletedBefore + deleted, Metrics.value(DELETED));

        given().get("/events?after=" + floorBefore)
                .then()
                .statusCode(410)
                .contentType("application/problem+json")
                .body("status", equalTo(410))
                .body("parameter", equalTo("after"))
                .body("detail", containsString("resume with after=" + oldest));
        given().get("/events?after=" + oldest)
                .then()
                .statusCode(200)
                .body("data[0].id", equalTo((int) oldest + 1))
                .body("next_cursor", equalTo(Long.toString(oldest + 1)));
        EventStreamTest.assertProblem(URI.create(base + "events/stream?after=" + (oldest - 1)), Map.of(), 410, "after");
        EventStreamTest.assertProblem(
                URI.create(base + "events/stream"),
                Map.of("Last-Event-ID", Long.toString(oldest - 1)),
                410,
                "Last-Event-ID");
    }

    @Test
    void decisionsOlderThanTheRetentionAreDeletedToo() {
        UUID call = UUID.randomUUID();
        reconciler.apply(ringing(call), Source.POLL, null);
        reconciler.apply(inProgress(call), Source.POLL, null);
        db.update("update call_decision set decided_at = now() - interval '400 days' where call_id = ?", call);
        db.ageEventsThrough(db.head(), 400);

        retention.purge();

        assertEquals(0, db.queryLong("select count(*) from call_decision where call_id = ?", call));
        given().get("/calls/" + call + "/events").then().statusCode(200).body("data.size()", equalTo(0));
    }

    @Test
    void recentEventsAreKept() {
        newCalls(2);
        long head = db.head();
        long floor = db.deletedThrough();
        assertEquals(0, retention.purge());
        assertEquals(floor, db.deletedThrough());
        assertEquals(2, db.queryLong("select count(*) from call_event where id > ?", head - 2));
    }

    @Test
    void aLiveFollowerKeepsReceivingNewEventsWhileRetentionDeletes() throws Exception {
        newCalls(5 * BATCH);
        long start = db.head();
        db.ageEventsThrough(start, 400);
        FeedClient feed = new FeedClient(base);

        List<Long> seen = new CopyOnWriteArrayList<>();
        AtomicLong cursor = new AtomicLong(start);
        AtomicBoolean writersDone = new AtomicBoolean();
        CompletableFuture<Void> follower = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < 10_000; i++) {
                FeedClient.Page page = feed.get("after=" + cursor.get() + "&limit=3");
                assertEquals(200, page.status(), page.body().toString());
                seen.addAll(page.ids());
                cursor.set(page.nextCursor());
                if (writersDone.get() && !page.hasMore() && cursor.get() == db.head()) {
                    return;
                }
            }
            throw new AssertionError("follower did not catch up");
        });
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < 40; i++) {
                reconciler.apply(ringing(UUID.randomUUID()), Source.POLL, null);
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() >= 5);
        long deleted = retention.purge();
        writer.get(20, TimeUnit.SECONDS);
        writersDone.set(true);
        follower.get(20, TimeUnit.SECONDS);

        assertTrue(deleted >= 5 * BATCH, "retention deleted the aged events: " + deleted);
        assertEquals(start, db.deletedThrough());
        assertEquals(LongStream.rangeClosed(start + 1, start + 40).boxed().toList(), seen);
    }

    @Test
    void anEnabledSubscriptionKeepsEveryEventItHasNotHandledAndADisabledOneDoesNot() {
        newCalls(3 * BATCH);
        long floorBefore = db.deletedThrough();
        long head = db.head();
        db.ageEventsThrough(head, 400);
        long behind = floorBefore + 5;
        UUID subscription = subscriptionAt(behind);

        long deleted = retention.purge();

        assertEquals(behind - floorBefore, deleted, "only what the subscriber has handled goes");
        assertEquals(behind, db.deletedThrough());
        assertEquals(head - behind, db.queryLong("select count(*) from call_event where id > ?", behind));
        assertEquals(head - behind, Metrics.value("gateway_events_retention_held{reason=\"subscription\"}"));

        db.update("update subscription set position = ? where id = ?", behind + 7, subscription);
        retention.purge();
        assertEquals(behind + 7, db.deletedThrough(), "retention follows the subscriber");

        db.update("update subscription set enabled = false where id = ?", subscription);
        retention.purge();
        assertEquals(head, db.deletedThrough(), "a disabled subscription holds nothing back");
        assertEquals(0, Metrics.value("gateway_events_retention_held{reason=\"subscription\"}"));
    }

    /** An enabled subscription at {@code position} whose next attempt is a day away, so no worker touches it. */
    private UUID subscriptionAt(long position) {
        UUID id = UUID.randomUUID();
        db.update("""
                insert into subscription (id, url, event_types, signing_secret, position, next_attempt_at,
                    created_at, updated_at)
                values (?, 'http://127.0.0.1:9/', '{*}', 'whsec_test_current', ?, now() + interval '1 day', now(), now())
                """, id, position);
        return id;
    }
}
