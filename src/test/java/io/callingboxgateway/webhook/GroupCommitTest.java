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
import io.callingboxgateway.testing.Metrics;
import io.callingboxgateway.testing.PostgresResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Webhooks that arrive while the committers are busy are stored together. Each test first holds every
 * committer (a poll transaction holds a call that a webhook is waiting for), queues the webhooks it is
 * about, then frees exactly one committer, which takes the whole queue as one batch. The lock timeout
 * is raised so that holding the committers does not end on its own on a slow machine.
 */
@QuarkusTest
@TestProfile(GroupCommitTest.LongLockWaits.class)
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class GroupCommitTest {

    public static class LongLockWaits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.database.lock-timeout", "15s");
        }
    }

    private static final Instant T0 = Instant.parse("2026-11-28T10:00:05Z");

    @Inject
    DataSource db;

    @Inject
    Reconciler reconciler;

    @Inject
    ObjectMapper json;

    @Inject
    GroupCommitConfig config;

    private final List<CountDownLatch> heldPolls = new ArrayList<>();
    private final List<CompletableFuture<?>> blockedWork = new ArrayList<>();
    private final List<Runnable> cleanups = new ArrayList<>();

    @AfterEach
    void releaseEverything() throws Exception {
        heldPolls.forEach(CountDownLatch::countDown);
        for (CompletableFuture<?> work : blockedWork) {
            work.get(30, TimeUnit.SECONDS);
        }
        cleanups.forEach(Runnable::run);
    }

    @Test
    void webhooksQueuedTogetherShareOneTransactionAndEachIsAnsweredAfterIt() throws Exception {
        holdEveryCommitter();
        List<UUID> events = new ArrayList<>();
        List<CompletableFuture<ExtractableResponse<Response>>> answers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            UUID event = UUID.randomUUID();
            events.add(event);
            answers.add(send(envelope(event, "call.ringing", UUID.randomUUID(), "ringing", T0)));
        }
        awaitQueued(5);
        answers.forEach(answer -> assertFalse(answer.isDone(), "no answer before the commit"));
        assertEquals(0, receipts(events), "nothing is stored while the committers are held");

        freeOneCommitter();

        for (CompletableFuture<ExtractableResponse<Response>> answer : answers) {
            ExtractableResponse<Response> response = answer.get(30, TimeUnit.SECONDS);
            assertEquals(200, response.statusCode());
            assertEquals("created", response.path("outcome"));
        }
        assertEquals(5, receipts(events));
        assertEquals(
                1,
                StoreRows.scalar(
                        db, "select count(distinct xmin::text) from webhook_receipt where event_id = any(?)", (Object)
                                events.toArray(UUID[]::new)),
                "one transaction stored all five");
    }

    @Test
    void aWebhookPostgresRefusesFailsAloneAndItsNeighboursAreStored() throws Exception {
        // the envelope checks refuse every value known to be unstorable before the queue, so the
        // database is made to refuse one here, as it would a value nobody foresaw (SQL state class 22)
        StoreRows.execute(db, """
                create function group_commit_test_refusal() returns trigger language plpgsql as $$
                begin
                    if new.instructions = 'refuse me' then
                        raise exception 'refused for the test' using errcode = '22023';
                    end if;
                    return new;
                end $$""");
        StoreRows.execute(db, """
                create trigger group_commit_test_refusal before insert or update on call
                for each row execute function group_commit_test_refusal()""");
        cleanups.add(() -> StoreRows.execute(db, "drop function group_commit_test_refusal() cascade"));
        holdEveryCommitter();
        UUID good1 = UUID.randomUUID();
        UUID bad = UUID.randomUUID();
        UUID good2 = UUID.randomUUID();
        var first = send(envelope(good1, "call.ringing", UUID.randomUUID(), "ringing", T0));
        var refused = send(envelope(bad, "call.ringing", UUID.randomUUID(), "ringing", T0)
                .replace("Confirm the booking", "refuse me"));
        var second = send(envelope(good2, "call.ringing", UUID.randomUUID(), "ringing", T0));
        awaitQueued(3);

        freeOneCommitter();

        assertEquals(200, first.get(30, TimeUnit.SECONDS).statusCode());
        assertEquals(200, second.get(30, TimeUnit.SECONDS).statusCode());
        ExtractableResponse<Response> answer = refused.get(30, TimeUnit.SECONDS);
        assertEquals(400, answer.statusCode(), answer.body().asString());
        assertEquals(2, receipts(List.of(good1, good2)));
        assertEquals(0, receipts(List.of(bad)), "nothing of the refused webhook is stored");
    }

    @Test
    void duplicatesInOneBatchAreRecognisedAndOneCallsWebhooksApplyInTurn() throws Exception {
        holdEveryCommitter();
        UUID call = UUID.randomUUID();
        UUID ringing = UUID.randomUUID();
        String ringingBody = envelope(ringing, "call.ringing", call, "ringing", T0);
        var original = send(ringingBody);
        var redelivery = send(ringingBody);
        var completed = send(envelope(UUID.randomUUID(), "call.completed", call, "completed", T0.plusSeconds(60)));
        awaitQueued(3);

        freeOneCommitter();

        ExtractableResponse<Response> first = original.get(30, TimeUnit.SECONDS);
        ExtractableResponse<Response> again = redelivery.get(30, TimeUnit.SECONDS);
        assertEquals(200, first.statusCode());
        assertEquals(200, again.statusCode());
        // the two copies raced to the queue: whichever came second is the redelivery
        assertEquals(
                List.of(false, true),
                Stream.of(first.<Boolean>path("duplicate"), again.<Boolean>path("duplicate"))
                        .sorted()
                        .toList());
        assertEquals(200, completed.get(30, TimeUnit.SECONDS).statusCode());
        given().get("/calls/{id}", call).then().statusCode(200).body("status", equalTo("completed"));
        assertEquals(1, receipts(List.of(ringing)));
        assertEquals(
                1,
                StoreRows.scalar(
                        db, "select count(*) from call_event where call_id = ? and type = 'call.created'", call));
    }

    /**
     * For every committer, a poll transaction holds a call and a webhook for that call waits for it, so
     * every committer is stuck in a batch of one until {@link #freeOneCommitter()}.
     */
    private void holdEveryCommitter() throws Exception {
        long waitingBefore = notGrantedAdvisoryLocks();
        for (int i = 0; i < config.committers(); i++) {
            UUID call = UUID.randomUUID();
            CallSnapshot polled = json.readValue(
                            envelope(UUID.randomUUID(), "call.ringing", call, "ringing", T0), WebhookEnvelope.class)
                    .call();
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch holding = new CountDownLatch(1);
            heldPolls.add(release);
            blockedWork.add(CompletableFuture.runAsync(() -> QuarkusTransaction.requiringNew()
                    .run(() -> {
                        reconciler.apply(polled, Source.POLL, null);
                        holding.countDown();
                        awaitRelease(release);
                    })));
            assertTrue(holding.await(30, TimeUnit.SECONDS), "the poll holds its call");
            blockedWork.add(send(envelope(UUID.randomUUID(), "call.answered", call, "in_progress", T0.plusSeconds(5))));
            long expected = waitingBefore + i + 1;
            await().atMost(Duration.ofSeconds(30)).until(() -> notGrantedAdvisoryLocks() >= expected);
        }
    }

    private void freeOneCommitter() {
        heldPolls.get(0).countDown();
    }

    private static void awaitQueued(int count) {
        await().atMost(Duration.ofSeconds(30))
                .until(() -> Metrics.value("gateway_webhooks_group_commit_waiting") == count);
    }

    private static CompletableFuture<ExtractableResponse<Response>> send(String body) {
        return CompletableFuture.supplyAsync(() -> post(body).extract());
    }

    private long notGrantedAdvisoryLocks() {
        return StoreRows.scalar(db, "select count(*) from pg_locks where locktype = 'advisory' and not granted");
    }

    private long receipts(List<UUID> events) {
        return StoreRows.scalar(db, "select count(*) from webhook_receipt where event_id = any(?)", (Object)
                events.toArray(UUID[]::new));
    }

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
}
