package io.callingboxgateway.events;

import static io.callingboxgateway.events.Snapshots.completedWithResult;
import static io.callingboxgateway.events.Snapshots.inProgress;
import static io.callingboxgateway.events.Snapshots.ringing;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.callingboxgateway.model.CallSnapshot;
import io.callingboxgateway.reconcile.CallEvent;
import io.callingboxgateway.reconcile.Reconciler;
import io.callingboxgateway.reconcile.Source;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * The proof the event feed owes its consumers: with writers committing concurrently, and one of them
 * holding its transaction open after taking its event id, a follower that pages by next_cursor sees
 * every event exactly once and in order. A feed that handed out ids as soon as they were visible
 * (a plain sequence) would let the follower pass the slow writer's id and never see it.
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class EventFeedConcurrencyTest {

    private static final int WRITERS = 4;
    private static final int CALLS_PER_WRITER = 20;
    private static final JsonNode RESULT = JsonNodeFactory.instance.objectNode().put("reached", true);

    @Inject
    Reconciler reconciler;

    @Inject
    TestDatabase db;

    @TestHTTPResource("/")
    URI base;

    @Test
    void aFollowerSeesEveryEventOnceInOrderWhileWritersCommitConcurrently() throws Exception {
        FeedClient feed = new FeedClient(base);
        long start = db.head();
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS + 2);
        try {
            // the follower: polls with a small page, advancing only by next_cursor
            List<Long> seen = new CopyOnWriteArrayList<>();
            Map<Long, String> callOf = new ConcurrentHashMap<>();
            AtomicInteger polls = new AtomicInteger();
            AtomicLong cursor = new AtomicLong(start);
            AtomicBoolean writersDone = new AtomicBoolean();
            CompletableFuture<Void> follower = CompletableFuture.runAsync(
                    () -> {
                        for (int i = 0; i < 20_000; i++) {
                            FeedClient.Page page = feed.get("after=" + cursor.get() + "&limit=5");
                            assertEquals(200, page.status(), page.body().toString());
                            page.body().get("data").forEach(e -> {
                                seen.add(e.get("id").asLong());
                                callOf.put(
                                        e.get("id").asLong(), e.get("call_id").asText());
                            });
                            cursor.set(page.nextCursor());
                            polls.incrementAndGet();
                            if (writersDone.get() && !page.hasMore() && cursor.get() == db.head()) {
                                return;
                            }
                        }
                        throw new AssertionError("follower did not catch up");
                    },
                    pool);

            // the writers: each creates its calls, waits until the slow writer holds its event id,
            // then moves the calls on (queueing behind the slow writer), interleaved with the others
            CountDownLatch slowHasItsId = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            List<UUID> calls = new CopyOnWriteArrayList<>();
            List<CompletableFuture<Void>> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                writers.add(CompletableFuture.runAsync(
                        () -> {
                            List<UUID> mine = new ArrayList<>();
                            for (int c = 0; c < CALLS_PER_WRITER; c++) {
                                mine.add(UUID.randomUUID());
                            }
                            calls.addAll(mine);
                            List<CallSnapshot> lives = lives(mine);
                            for (int i = 0; i < lives.size(); i++) {
                                if (i == CALLS_PER_WRITER) {
                                    awaitLatch(slowHasItsId);
                                }
                                reconciler.apply(lives.get(i), Source.POLL, null);
                            }
                        },
                        pool));
            }

            // the slow writer: takes its event id once the log is under way, then holds its commit
            await().atMost(Duration.ofSeconds(10)).until(() -> db.head() - start >= WRITERS * CALLS_PER_WRITER);
            UUID slowCall = UUID.randomUUID();
            AtomicLong slowId = new AtomicLong();
            CompletableFuture<Void> slow = CompletableFuture.runAsync(
                    () -> QuarkusTransaction.requiringNew().run(() -> {
                        reconciler.apply(ringing(slowCall), Source.WEBHOOK, UUID.randomUUID());
                        slowId.set(CallEvent.<CallEvent>find("callId", slowCall).firstResult().id);
                        slowHasItsId.countDown();
                        awaitLatch(release);
                    }),
                    pool);
            assertTrue(slowHasItsId.await(10, TimeUnit.SECONDS));

            // the other writers go on: by design they queue behind the slow one (a log that let them
            // commit past it would show here as committed ids above the slow one's); the follower
            // keeps polling meanwhile
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> db.waitingOnLock("update event_sequence") > 0
                            || db.queryLong("select coalesce(max(id), 0) from call_event") > slowId.get());
            int pollsAtHold = polls.get();
            await().atMost(Duration.ofSeconds(10)).until(() -> polls.get() >= pollsAtHold + 5);
            assertTrue(
                    seen.stream().allMatch(id -> id < slowId.get()),
                    "while event " + slowId + " was uncommitted the follower saw " + seen);
            release.countDown();

            slow.get(20, TimeUnit.SECONDS);
            CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
            writersDone.set(true);
            follower.get(20, TimeUnit.SECONDS);

            long head = db.head();
            assertEquals(
                    LongStream.rangeClosed(start + 1, head).boxed().toList(),
                    seen,
                    "every event exactly once, in order");
            assertEquals(slowCall.toString(), callOf.get(slowId.get()));
            Set<String> ours = new HashSet<>();
            calls.forEach(c -> ours.add(c.toString()));
            ours.add(slowCall.toString());
            assertEquals(ours, new HashSet<>(callOf.values()), "the events are those of the writers' calls");
            // each call: created, status_changed (in progress), status_changed + result_ready (completed)
            assertEquals(WRITERS * CALLS_PER_WRITER * 4 + 1, seen.size());
            assertTrue(slowId.get() > start + 1 && slowId.get() < head, "the slow event sits inside the run");
        } finally {
            pool.shutdownNow();
        }
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            assertTrue(latch.await(20, TimeUnit.SECONDS), "latch released in time");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Each call's snapshots in its order of life, the calls interleaved step by step. */
    private static List<CallSnapshot> lives(List<UUID> calls) {
        Map<Integer, List<CallSnapshot>> steps = new HashMap<>();
        for (UUID call : calls) {
            steps.computeIfAbsent(0, k -> new ArrayList<>()).add(ringing(call));
            steps.computeIfAbsent(1, k -> new ArrayList<>()).add(inProgress(call));
            steps.computeIfAbsent(2, k -> new ArrayList<>()).add(completedWithResult(call, RESULT));
        }
        List<CallSnapshot> all = new ArrayList<>();
        for (int step = 0; step < 3; step++) {
            all.addAll(steps.get(step));
        }
        return all;
    }
}
