package io.callingboxgateway.webhook;

import static io.callingboxgateway.testing.SignedWebhook.envelope;
import static io.callingboxgateway.testing.SignedWebhook.post;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.callingboxgateway.model.CallSnapshot;
import io.callingboxgateway.reconcile.Reconciler;
import io.callingboxgateway.reconcile.Source;
import io.callingboxgateway.testing.PostgresResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class WebhookServiceTest {

    @Inject
    DataSource db;

    @Inject
    WebhookReceiptCleanup cleanup;

    @Inject
    WebhookService service;

    @Inject
    Reconciler reconciler;

    @Inject
    ObjectMapper json;

    @Test
    void cleanupForgetsOnlyReceiptsPastTheRetentionInBatches() {
        // ages are judged by the database's clock (the embedded database shares this machine's)
        Instant now = Instant.now();
        List<UUID> expired = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
        UUID kept = UUID.randomUUID();
        expired.forEach(id -> insertReceipt(id, now.minus(Duration.ofDays(8))));
        insertReceipt(kept, now.minus(Duration.ofDays(6)));

        assertEquals(2, service.purgeReceipts(Duration.ofDays(7), 2));
        cleanup.purgeExpired();

        for (UUID id : expired) {
            assertEquals(0, receipts(id), "expired receipt " + id);
        }
        assertEquals(1, receipts(kept));
        StoreRows.execute(db, "delete from webhook_receipt where event_id = ?", kept);
    }

    @Test
    void aWebhookWaitsForAPollWritingTheSameCallInsteadOfFailing() throws Exception {
        UUID call = UUID.randomUUID();
        Instant ringing = Instant.parse("2026-11-28T10:00:05Z");
        Instant completed = Instant.parse("2026-11-28T10:03:00Z");
        CallSnapshot polled = json.readValue(
                        envelope(UUID.randomUUID(), "call.ringing", call, "ringing", ringing), WebhookEnvelope.class)
                .call();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch pollHoldsTheCall = new CountDownLatch(1);
        CompletableFuture<Void> poll = CompletableFuture.runAsync(() -> QuarkusTransaction.requiringNew()
                .run(() -> {
                    reconciler.apply(polled, Source.POLL, null);
                    pollHoldsTheCall.countDown();
                    awaitRelease(release);
                }));
        assertTrue(pollHoldsTheCall.await(30, TimeUnit.SECONDS), "the poll holds the call");

        CompletableFuture<Integer> webhook = CompletableFuture.supplyAsync(
                () -> post(envelope(UUID.randomUUID(), "call.completed", call, "completed", completed))
                        .extract()
                        .statusCode());
        await().atMost(Duration.ofSeconds(30))
                .until(() -> StoreRows.scalar(
                                db, "select count(*) from pg_locks where locktype = 'advisory' and not granted")
                        > 0);
        assertFalse(webhook.isDone(), "the webhook waits for the poll's transaction");
        release.countDown();

        assertEquals(200, webhook.get(30, TimeUnit.SECONDS));
        poll.get(30, TimeUnit.SECONDS);
        given().get("/calls/{id}", call)
                .then()
                .statusCode(200)
                .body("status", equalTo("completed"))
                .body("reconciliation.first_seen_via", equalTo("poll"));
    }

    /**
     * One batch, one transaction: each webhook's events are written in the order the batch holds them,
     * a call heard twice continues its own sequence, and every webhook leaves its decision, the one that
     * changed nothing included.
     */
    @Test
    void aBatchWritesItsEventsInBatchOrderAndADecisionForEveryWebhook() throws Exception {
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        Instant queued = Instant.parse("2026-11-28T10:00:00Z");
        Instant answered = queued.plusSeconds(5);
        List<QueuedWebhook> batch = new ArrayList<>();
        for (String body : List.of(
                envelope(UUID.randomUUID(), "call.queued", first, "queued", queued),
                envelope(UUID.randomUUID(), "call.queued", second, "queued", queued),
                envelope(UUID.randomUUID(), "call.in_progress", first, "in_progress", answered),
                envelope(UUID.randomUUID(), "call.in_progress", first, "in_progress", answered))) {
            batch.add(QueuedWebhook.of(json.readValue(body, WebhookEnvelope.class)));
        }

        service.applyAll(batch);

        List<String> events = texts(
                "select call_id || ' ' || call_seq || ' ' || type from call_event where call_id in (?, ?) order by entry",
                first,
                second);
        assertEquals(first + " 1 call.created", events.get(0));
        assertEquals(second + " 1 call.created", events.get(1));
        for (int i = 2; i < events.size(); i++) {
            assertEquals(
                    first + " " + i + " ",
                    events.get(i).substring(0, first.toString().length() + 3));
        }
        assertTrue(events.size() > 2, "the second webhook of the first call changed it: " + events);
        assertEquals(
                List.of("1", "2", "none"),
                texts(
                        "select coalesce(first_event_seq::text, 'none') from call_decision where call_id = ? order by id",
                        first));
        assertEquals(List.of("1"), texts("select first_event_seq::text from call_decision where call_id = ?", second));
    }

    private List<String> texts(String sql, Object... params) throws Exception {
        try (var connection = db.getConnection();
                var statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            List<String> out = new ArrayList<>();
            try (var rows = statement.executeQuery()) {
                while (rows.next()) {
                    out.add(rows.getString(1));
                }
            }
            return out;
        }
    }

    /** Waits inside the poll's transaction; a release that never comes fails the poll, and with it the test. */
    private static void awaitRelease(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never released the poll");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void insertReceipt(UUID eventId, Instant receivedAt) {
        StoreRows.execute(
                db,
                "insert into webhook_receipt (event_id, call_id, type, received_at) values (?, ?, 'call.queued', ?)",
                eventId,
                UUID.randomUUID(),
                Timestamp.from(receivedAt));
    }

    private long receipts(UUID eventId) {
        return StoreRows.scalar(db, "select count(*) from webhook_receipt where event_id = ?", eventId);
    }
}
