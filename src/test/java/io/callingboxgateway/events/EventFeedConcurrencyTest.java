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
 * holding its transaction open after writing its event, a follower that pages by next_cursor sees
 * every event exactly once and in order, and the slow writer's event, committed late, is numbered
 * above everything the follower had passed. A feed that handed out ids at insert (a plain sequence)
 * would let the follower pass the slow writer's id and never see it. Meanwhile the other writers go
 * on: writers of different calls do not wait on each other.
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

            // the writers: each creates its calls, waits until the slow writer holds its event, then
            // moves the calls on (without waiting for the slow writer), and completes them once it
            // has committed, interleaved with the others
            CountDownLatch slowHoldsItsEvent = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch wentOnMeanwhile = new CountDownLatch(WRITERS);
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
                                    awaitLatch(slowHoldsItsEvent);
                                }
                                if (i == 2 * CALLS_PER_WRITER) {
                                    wentOnMeanwhile.countDown();
                                    awaitLatch(release);
                                }
                                reconciler.apply(lives.get(i), Source.POLL, null);
                            }
                        },
                        pool));
            }

            // the slow writer: writes its event once the log is under way, then holds its commit
            await().atMost(Duration.ofSeconds(10)).until(() -> db.head() - start >= WRITERS * CALLS_PER_WRITER);
            UUID slowCall = UUID.randomUUID();
            CompletableFuture<Void> slow = CompletableFuture.runAsync(
                    () -> QuarkusTransaction.requiringNew().run(() -> {
                        reconciler.apply(ringing(slowCall), Source.WEBHOOK, UUID.randomUUID());
                        assertEquals(1, CallEvent.count("callId", slowCall), "the slow writer holds its event");
                        slowHoldsItsEvent.countDown();
                        awaitLatch(release);
                    }),
                    pool);
            assertTrue(slowHoldsItsEvent.await(10, TimeUnit.SECONDS));

            // the other writers go on and their events reach the follower while the slow one holds
            // its transaction; the follower keeps polling meanwhile
            assertTrue(
                    wentOnMeanwhile.await(20, TimeUnit.SECONDS),
                    "writers of other calls went on while the slow writer held its events");
            long headAtHold = db.head();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> !seen.isEmpty() && seen.get(seen.size() - 1) == headAtHold);
            int pollsAtHold = polls.get();
            await().atMost(Duration.ofSeconds(10)).until(() -> polls.get() >= pollsAtHold + 5);
            assertTrue(
                    !callOf.containsValue(slowCall.toString()),
                    "while the slow event was uncommitted the follower saw it: " + seen);
            long passedAtRelease = seen.get(seen.size() - 1);
            release.countDown();

            slow.get(20, TimeUnit.SECONDS);
            CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
            writersDone.set(true);
            follower.get(20, TimeUnit.SECONDS);

            long head = db.head();
            List<Long> slowIds = callOf.entrySet().stream()
                    .filter(e -> e.getValue().equals(slowCall.toString()))
                    .map(Map.Entry::getKey)
                    .toList();
            assertEquals(1, slowIds.size(), "the slow writer's one event");
            long slowId = slowIds.get(0);
            assertTrue(slowId > passedAtRelease, "the late commit is numbered above what the follower passed");
            assertEquals(
                    LongStream.rangeClosed(start + 1, head).boxed().toList(),
                    seen,
                    "every event exactly once, in order");
            Set<String> ours = new HashSet<>();
            calls.forEach(c -> ours.add(c.toString()));
            ours.add(slowCall.toString());
            assertEquals(ours, new HashSet<>(callOf.values()), "the events are those of the writers' calls");
            // each call: created, status_changed (in progress), status_changed + result_ready (completed)
            assertEquals(WRITERS * CALLS_PER_WRITER * 4 + 1, seen.size());
            assertTrue(slowId > start + 1 && slowId < head, "the slow event sits inside the run");
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
