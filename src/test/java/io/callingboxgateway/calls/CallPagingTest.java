package io.callingboxgateway.calls;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callingboxgateway.testing.CallStore;
import io.callingboxgateway.testing.PostgresResource;
import io.callingboxgateway.testing.TestCall;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class CallPagingTest {

    static final Instant MORNING = Instant.parse("2026-04-16T08:00:00Z");

    /** The order GET /calls promises: created_at descending, then id descending as PostgreSQL compares uuids. */
    static final Comparator<TestCall> NEWEST_FIRST = Comparator.comparing(TestCall::createdAt)
            .thenComparing(c -> c.id().toString())
            .reversed();

    static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    CallStore store;

    @BeforeAll
    static void logFailures() {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    @BeforeEach
    void emptyStore() {
        store.clear();
    }

    @ParameterizedTest(name = "{1} calls, limit {0}")
    @CsvSource(
            nullValues = "default",
            value = {
                "1,       250", // one call per page
                "2,       250", // divisible
                "2,       251", // one call on the last page
                "default, 300", // 50, divisible
                "default, 301",
                "50,       50", // exactly one full page: no empty page after it
                "50,       51",
                "199,     300", // 199 + 101
                "199,     398", // divisible
                "200,     400", // divisible
                "200,     333",
                "200,     200",
                "200,       0"
            })
    void pagesYieldEveryCallExactlyOnceInOrder(Integer limit, int total) {
        List<TestCall> calls = morningOfCalls(total, 7_919L * total + (limit == null ? 0 : limit));
        store.insert(calls);

        List<String> listed = pageThrough("", limit, NOTHING);

        assertEquals(expectedOrder(calls), listed);
    }

    @Test
    void callsSharingOneCreatedAtArePagedByIdAcrossPageBoundaries() {
        String sameMicrosecond = "2026-04-16T09:30:00.000001Z";
        List<TestCall> calls = new ArrayList<>();
        Random random = new Random(17);
        for (int i = 0; i < 9; i++) {
            calls.add(TestCall.completed(randomId(random).toString(), sameMicrosecond));
        }
        store.insert(calls);

        assertEquals(expectedOrder(calls), pageThrough("", 2, NOTHING));
    }

    @Test
    void aFilteredListPagesWithinItsFilters() {
        List<TestCall> calls = morningOfCalls(300, 4242);
        store.insert(calls);
        List<String> expected = calls.stream()
                .filter(c -> List.of("no_answer", "busy").contains(c.snapshot().status()))
                .filter(c -> c.snapshot().direction().equals("outbound"))
                .sorted(NEWEST_FIRST)
                .map(c -> c.id().toString())
                .toList();
        assertTrue(expected.size() > 30, "the fixture must span several pages");

        List<String> listed = pageThrough("status=no_answer&status=busy&direction=outbound", 7, NOTHING);

        assertEquals(expected, listed);
    }

    @Test
    void theLimitMayChangeBetweenPages() {
        List<TestCall> calls = morningOfCalls(20, 99);
        store.insert(calls);
        List<String> expected = expectedOrder(calls);

        String cursor = given().get("/calls?limit=3")
                .then()
                .statusCode(200)
                .body("data.id", equalTo(expected.subList(0, 3)))
                .extract()
                .path("next_cursor");
        given().queryParam("limit", 5)
                .queryParam("cursor", cursor)
                .get("/calls")
                .then()
                .statusCode(200)
                .body("data.id", equalTo(expected.subList(3, 8)))
                .body("has_more", equalTo(true));
    }

    @Test
    void aCursorHonoursTheSameFiltersSpelledDifferently() {
        List<TestCall> calls = morningOfCalls(40, 5);
        calls.forEach(c -> c.to(TestCall.BOB));
        store.insert(calls);
        List<String> matching = calls.stream()
                .filter(c -> List.of("completed", "no_answer", "busy")
                        .contains(c.snapshot().status()))
                .sorted(NEWEST_FIRST)
                .map(c -> c.id().toString())
                .toList();

        String cursor = given().urlEncodingEnabled(false)
                .get("/calls?limit=4&to_number=%2B442079460958&status=completed&status=no_answer&status=busy")
                .then()
                .statusCode(200)
                .body("data.id", equalTo(matching.subList(0, 4)))
                .extract()
                .path("next_cursor");

        // the same filter set: statuses in another order and one repeated, the '+' left unencoded
        given().urlEncodingEnabled(false)
                .get("/calls?limit=4&status=busy&status=no_answer&status=completed&status=busy"
                        + "&to_number=+442079460958&cursor=" + cursor)
                .then()
                .statusCode(200)
                .body("data.id", equalTo(matching.subList(4, 8)));
    }

    @Test
    void callsArrivingBetweenPagesNeitherRepeatNorShiftAPage() {
        List<TestCall> calls = morningOfCalls(120, 2024);
        store.insert(calls);
        List<String> expected = expectedOrder(calls);
        Random random = new Random(31);
        List<String> arrived = new ArrayList<>();

        List<String> listed = pageThrough("", 25, (seen, pageIndex) -> {
            // A brand-new call, and one created in the same microsecond as the last call already seen
            // but with a larger id: both sort before the cursor, so neither may show up on later pages.
            String lastSeen = seen.get(seen.size() - 1);
            TestCall lastCall = calls.stream()
                    .filter(c -> c.id().toString().equals(lastSeen))
                    .findFirst()
                    .orElseThrow();
            TestCall brandNew = TestCall.queued(
                    randomId(random).toString(),
                    Instant.parse("2026-04-17T08:00:00Z").plusSeconds(pageIndex).toString());
            TestCall tiedWithCursor = TestCall.ringing(
                    idAbove(lastCall.id(), random).toString(),
                    lastCall.createdAt().toString());
            store.insert(brandNew, tiedWithCursor);
            arrived.add(brandNew.id().toString());
            arrived.add(tiedWithCursor.id().toString());
        });

        assertEquals(expected, listed);
        assertEquals(8, arrived.size(), "a pair of calls arrived after each of the four pages that had a next one");
        List<String> everything = pageThrough("", 200, NOTHING);
        assertEquals(128, everything.size());
        assertTrue(everything.containsAll(arrived), "the new calls are there for the next reader");
    }

    @Test
    void callsInsertedConcurrentlyByAnotherThreadNeitherRepeatNorShiftAPage() throws Exception {
        List<TestCall> calls = morningOfCalls(150, 8088);
        store.insert(calls);
        List<String> expected = expectedOrder(calls);

        // After each page the pager hands the writer three inserts and waits for the first to commit;
        // the other two race the next page request. Nothing is timed, and the writer's work is bounded.
        Semaphore insertsAllowed = new Semaphore(0);
        Semaphore inserted = new Semaphore(0);
        AtomicBoolean pagingDone = new AtomicBoolean();
        List<String> arrived = Collections.synchronizedList(new ArrayList<>());
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try {
            Future<?> writing = writer.submit(() -> {
                Random random = new Random(77);
                try {
                    for (int i = 0; ; i++) {
                        insertsAllowed.acquire();
                        if (pagingDone.get()) {
                            return null;
                        }
                        TestCall call = TestCall.queued(
                                randomId(random).toString(),
                                Instant.parse("2026-04-17T08:00:00Z")
                                        .plusMillis(i)
                                        .toString());
                        store.insert(call);
                        arrived.add(call.id().toString());
                        inserted.release();
                    }
                } finally {
                    // never leave the pager waiting for a writer that stopped
                    inserted.release(Integer.MAX_VALUE / 2);
                }
            });

            List<String> listed = pageThrough("", 10, (seen, pageIndex) -> {
                insertsAllowed.release(3);
                inserted.acquireUninterruptibly();
            });
            pagingDone.set(true);
            insertsAllowed.release();
            writing.get();

            assertEquals(expected, listed);
        } finally {
            pagingDone.set(true);
            insertsAllowed.release();
            writer.shutdown();
        }
        assertTrue(arrived.size() >= 14, "a call committed between every two of the 15 pages: " + arrived.size());
        List<String> everything = pageThrough("", 200, NOTHING);
        assertEquals(150 + arrived.size(), everything.size());
        assertEquals(expected, everything.subList(arrived.size(), everything.size()));
    }

    @FunctionalInterface
    interface BetweenPages {
        void after(List<String> seenSoFar, int pageIndex);
    }

    static final BetweenPages NOTHING = (seen, pageIndex) -> {};

    /**
     * Follows next_cursor from the first page to the last, checking each page's own promises, and
     * returns the ids in the order they were listed. {@code betweenPages} runs after every page that
     * has a next one.
     */
    private static List<String> pageThrough(String filters, Integer limit, BetweenPages betweenPages) {
        int pageSize = limit == null ? CallResource.DEFAULT_LIMIT : limit;
        List<String> seen = new ArrayList<>();
        Set<String> unique = new HashSet<>();
        String cursor = null;
        int pageIndex = 0;
        do {
            List<String> query = new ArrayList<>();
            if (!filters.isEmpty()) {
                query.add(filters);
            }
            if (limit != null) {
                query.add("limit=" + limit);
            }
            if (cursor != null) {
                query.add("cursor=" + cursor);
            }
            // Parsed with Jackson: REST Assured's Groovy paths cost more than the request itself at limit 1.
            JsonNode page = json(given().urlEncodingEnabled(false)
                    .get(query.isEmpty() ? "/calls" : "/calls?" + String.join("&", query))
                    .then()
                    .statusCode(200)
                    .contentType("application/json")
                    .extract()
                    .asString());
            List<String> ids = new ArrayList<>();
            page.get("data").forEach(call -> ids.add(call.get("id").asText()));
            assertTrue(page.get("has_more").isBoolean(), "has_more is a boolean");
            boolean hasMore = page.get("has_more").asBoolean();
            assertTrue(page.has("next_cursor"), "next_cursor is always present");
            cursor = page.get("next_cursor").isNull()
                    ? null
                    : page.get("next_cursor").asText();

            assertEquals(hasMore, cursor != null, "page " + pageIndex + ": next_cursor exactly when has_more");
            if (hasMore) {
                assertEquals(pageSize, ids.size(), "page " + pageIndex + " is full");
            } else {
                assertTrue(ids.size() <= pageSize, "page " + pageIndex + " is at most the limit");
                assertTrue(pageIndex == 0 || !ids.isEmpty(), "no empty page after a full one");
            }
            for (String id : ids) {
                assertTrue(unique.add(id), "call " + id + " listed twice");
            }
            seen.addAll(ids);
            if (hasMore) {
                betweenPages.after(seen, pageIndex);
            }
            pageIndex++;
        } while (cursor != null);
        assertNull(cursor);
        return seen;
    }

    private static JsonNode json(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(body, e);
        }
    }

    private static List<String> expectedOrder(List<TestCall> calls) {
        return calls.stream().sorted(NEWEST_FIRST).map(c -> c.id().toString()).toList();
    }

    /**
     * A morning of calls in every state, a few seconds apart, with microsecond timestamps; every tenth
     * call starts a run of three created in the same microsecond, so page boundaries fall inside ties.
     */
    static List<TestCall> morningOfCalls(int count, long seed) {
        Random random = new Random(seed);
        List<BiFunction<String, String, TestCall>> states = List.of(
                TestCall::completed,
                TestCall::completed,
                TestCall::noAnswer,
                TestCall::busy,
                TestCall::failed,
                TestCall::canceled,
                TestCall::ringing,
                TestCall::inProgress,
                TestCall::queued);
        List<TestCall> calls = new ArrayList<>();
        Instant createdAt = MORNING;
        for (int i = 0; i < count; i++) {
            boolean tied = i % 10 == 1 || i % 10 == 2;
            if (!tied) {
                createdAt = createdAt
                        .plusSeconds(3 + random.nextInt(40))
                        .plus(random.nextInt(1_000_000), ChronoUnit.MICROS);
            }
            TestCall call = states.get(random.nextInt(states.size()))
                    .apply(randomId(random).toString(), createdAt.toString());
            if (random.nextInt(4) == 0) {
                call.inbound(TestCall.CAROL, TestCall.SUPPORT_LINE);
            }
            calls.add(call);
        }
        return calls;
    }

    /** A version 4 UUID from a seeded generator, so a failing run can be replayed. */
    static UUID randomId(Random random) {
        long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb);
    }

    /** A random id that PostgreSQL orders after {@code id}. */
    static UUID idAbove(UUID id, Random random) {
        UUID candidate;
        do {
            candidate = randomId(random);
        } while (candidate.toString().compareTo(id.toString()) <= 0);
        return candidate;
    }
}
