package io.callingboxgateway.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callingboxgateway.model.CallSnapshot;
import io.callingboxgateway.reconcile.CallMerge.Outcome;
import io.callingboxgateway.reconcile.CallMerge.Reconciled;
import io.callingboxgateway.reconcile.CallMerge.Result;
import io.callingboxgateway.reconcile.EventLog.Decision;
import io.callingboxgateway.testing.PostgresResource;
import io.callingboxgateway.testing.TestDatabase;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * "A webhook and a poll for the same call at the same moment must not lose either update, and a webhook
 * is never refused because a poll was writing the same call." Many writers apply shuffled snapshots of
 * the same calls at once, with mixed sources, while a feed reader follows the event log by cursor.
 * {@code -Dreconcile.seed=N} replays another set of histories, {@code -Dreconcile.rounds=N} applies each
 * call's snapshot set N times (default 5, about 900 applications).
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class ReconcilerConcurrencyTest {

    private static final long SEED = Long.getLong("reconcile.seed", 20261128L);
    private static final int CALLS = 20;
    private static final int WRITERS = 8;
    /** How many times each call's snapshot set is replayed, shuffled and with duplicates. */
    private static final int ROUNDS = Integer.getInteger("reconcile.rounds", 5);

    @Inject
    Reconciler reconciler;

    @Inject
    TestDatabase db;

    @Inject
    EntityManager em;

    /** One call to {@link Reconciler#apply}. The upstream event id doubles as a tag to find its decision. */
    private record Application(CallSnapshot snapshot, Source source, UUID tag) {}

    @Test
    void concurrentWritersLoseNothingAndAFeedReaderSeesEveryEventOnce() throws Exception {
        Random random = new Random(SEED);
        Instant createdAt = Instant.now().minusSeconds(120).truncatedTo(ChronoUnit.MILLIS);
        Map<UUID, List<CallSnapshot>> seen = new LinkedHashMap<>();
        List<Application> applications = new ArrayList<>();
        for (int c = 0; c < CALLS; c++) {
            UUID id = UUID.randomUUID();
            // intake refuses a call object without updated_at before it reaches the reconciler (ADR 0056)
            List<CallSnapshot> snapshots = CallHistories.observed(random, id, createdAt.plusMillis(c)).stream()
                    .filter(s -> s.updatedAt() != null)
                    .toList();
            seen.put(id, snapshots);
            for (int round = 0; round < ROUNDS; round++) {
                for (CallSnapshot s : CallHistories.shuffledWithDuplicates(random, snapshots)) {
                    Source source = Source.values()[random.nextInt(Source.values().length)];
                    applications.add(new Application(s, source, UUID.randomUUID()));
                }
            }
        }
        Collections.shuffle(applications, random);
        Map<UUID, Application> byTag = new LinkedHashMap<>();
        applications.forEach(a -> byTag.put(a.tag(), a));

        long startCursor = EventLog.lastEventId(em);
        Map<UUID, Outcome> outcomes = new ConcurrentHashMap<>();
        Semaphore commits = new Semaphore(0);
        AtomicBoolean writersDone = new AtomicBoolean();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS + 1);
        long began = System.nanoTime();
        try {
            Future<List<Long>> reader = pool.submit(() -> follow(startCursor, commits, writersDone, start));
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int slot = w; // round-robin: each writer gets a shuffled slice of every call
                List<Application> mine = IntStream.range(0, applications.size())
                        .filter(i -> i % WRITERS == slot)
                        .mapToObj(applications::get)
                        .toList();
                writers.add(pool.submit(() -> {
                    assertTrue(start.await(1, TimeUnit.MINUTES), "the writers start together");
                    for (Application a : mine) {
                        outcomes.put(a.tag(), reconciler.apply(a.snapshot(), a.source(), a.tag()));
                        commits.release();
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> writer : writers) {
                writer.get(2, TimeUnit.MINUTES); // rethrows any writer's exception: no apply may be refused
            }
            EventLog.numbered(); // the follower's last read comes after every commit is numbered
            writersDone.set(true);
            commits.release();
            List<Long> followed = reader.get(2, TimeUnit.MINUTES);
            System.out.printf(
                    "ReconcilerConcurrencyTest: seed %d, %d applications of %d snapshots by %d writers in %d ms%n",
                    SEED,
                    applications.size(),
                    seen.values().stream().mapToInt(List::size).sum(),
                    WRITERS,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began));

            assertEquals(applications.size(), outcomes.size());
            List<Long> all = eventIdsAfter(startCursor);
            assertEquals(
                    LongStream.rangeClosed(startCursor + 1, startCursor + all.size())
                            .boxed()
                            .toList(),
                    all,
                    "seed " + SEED + ": event ids are gap-free and follow the last one handed out before");
            assertEquals(all, followed, "seed " + SEED + ": the cursor reader saw every event exactly once, in order");

            int expectedEvents = 0;
            for (Map.Entry<UUID, List<CallSnapshot>> call : seen.entrySet()) {
                expectedEvents += checkCall(call.getKey(), call.getValue(), byTag, outcomes);
            }
            assertEquals(expectedEvents, all.size(), "seed " + SEED + ": one event per accepted change group");
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Checks one call and returns how many events it should have: its stored state is the fold of its
     * snapshot set in any order; replaying its decisions in their commit order through the pure merge
     * gives the same outcomes, changed fields and events; its call_seq runs 1..n.
     */
    private int checkCall(
            UUID id, List<CallSnapshot> snapshots, Map<UUID, Application> byTag, Map<UUID, Outcome> outcomes) {
        String where = "seed " + SEED + ", call " + id;
        assertEquals(CallMergePropertyTest.fold(snapshots), EventLog.stored(id), where + ": stored call");

        List<CallEvent> events = EventLog.events(id);
        assertEquals(
                IntStream.rangeClosed(1, events.size()).boxed().toList(),
                events.stream().map(e -> e.callSeq).toList(),
                where + ": call_seq in event id order");
        Map<Long, CallEvent> eventById = new LinkedHashMap<>();
        events.forEach(e -> eventById.put(e.id, e));

        Reconciled state = null;
        int expected = 0;
        for (Decision decision : EventLog.decisions(em, id)) {
            Application applied = byTag.get(decision.upstreamEventId());
            String step = where + ", decision " + decision.id() + " (" + applied.source() + ")";
            Result result = CallMerge.merge(state, applied.snapshot());
            assertEquals(result.outcome(), outcomes.get(applied.tag()), step + ": outcome returned");
            assertEquals(result.outcome().wireName(), decision.outcome(), step + ": outcome logged");
            assertEquals(List.copyOf(result.changes().keySet()), decision.changedFields(), step);
            Map<String, Map<String, CallMerge.Change>> groups = MergeEvents.of(result);
            long eventId = decision.firstEventId() == null ? -1 : decision.firstEventId();
            for (Map.Entry<String, Map<String, CallMerge.Change>> group : groups.entrySet()) {
                CallEvent event = eventById.get(eventId++);
                assertTrue(event != null, step + ": missing event for " + group.getKey());
                assertEquals(group.getKey(), event.type, step);
                assertEquals(applied.source().wireName(), event.source, step);
                List<String> fields = new ArrayList<>();
                event.changes.fieldNames().forEachRemaining(fields::add);
                assertEquals(new TreeSet<>(group.getValue().keySet()), new TreeSet<>(fields), step);
            }
            expected += groups.size();
            state = result.next();
        }
        assertEquals(expected, events.size(), where + ": events of the call");
        return expected;
    }

    /**
     * A feed consumer: after every commit it reads what is past its cursor and moves the cursor to the
     * last id read. It stops after the read that follows the end of all writing.
     */
    private List<Long> follow(long cursor, Semaphore commits, AtomicBoolean writersDone, CountDownLatch start)
            throws InterruptedException, SQLException {
        List<Long> read = new ArrayList<>();
        assertTrue(start.await(1, TimeUnit.MINUTES), "the reader starts with the writers");
        try (Connection connection = db.connection();
                PreparedStatement next =
                        connection.prepareStatement("select id from call_event where id > ? order by id")) {
            while (true) {
                commits.acquire();
                commits.drainPermits();
                boolean last = writersDone.get();
                next.setLong(1, cursor);
                try (ResultSet rows = next.executeQuery()) {
                    while (rows.next()) {
                        read.add(rows.getLong(1));
                    }
                }
                if (!read.isEmpty()) {
                    cursor = read.get(read.size() - 1);
                }
                if (last) {
                    return read;
                }
            }
        }
    }

    private List<Long> eventIdsAfter(long cursor) {
        return db.query("select id from call_event where id > ? order by id", row -> row.getLong(1), cursor);
    }
}
