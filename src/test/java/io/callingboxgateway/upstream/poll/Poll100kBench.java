package io.callingboxgateway.upstream.poll;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.management.GcInfo;
import io.agroal.api.AgroalDataSource;
import io.callingboxgateway.model.CallSnapshot;
import io.callingboxgateway.testing.CallListGenerator;
import io.callingboxgateway.testing.CallingBoxWireMock;
import io.callingboxgateway.testing.PostgresResource;
import io.callingboxgateway.upstream.CallingBoxClient;
import io.callingboxgateway.upstream.UpstreamFixtures;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.io.InputStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The benchmark behind bench/poll-100k.sh: a discovery over a 100,000-call list (or -Dbench.calls) whose calls are all
 * stored, 1% of them changed, against merely parsing the same list. Run only with -Dbench=true.
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = CallingBoxWireMock.class, scope = TestResourceScope.GLOBAL)
@EnabledIfSystemProperty(named = "bench", matches = "true")
class Poll100kBench {

    /** 100,000 unless -Dbench.calls says otherwise (bench/run also measures 1,000,000). */
    static final int CALLS = Integer.getInteger("bench.calls", 100_000);

    /**
     * Calls apart in the list: all of a million fit in the 30-day window the first scan imports
     * (23 days). At 20 s they spanned 231 days, and the first scan passed over 87 % as too old.
     */
    static final Duration SPACING = Duration.ofSeconds(2);

    @Inject
    CallDiscovery discovery;

    @Inject
    CallingBoxClient client;

    @Inject
    PollerLease lease;

    @Inject
    EntityManager em;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    ObjectMapper json;

    final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long peakHeap;

    @Test
    void pollWithOnePercentChangedCostsAtMostTwiceParsing() throws Exception {
        UpstreamFixtures.emptyStore(em);
        CallingBoxWireMock.server().resetAll();
        CallingBoxWireMock.server()
                .stubFor(get(urlPathEqualTo("/v1/calls"))
                        .willReturn(okJson("[]").withTransformers(CallListGenerator.NAME)));
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant newest = now.minusSeconds(60);
        CallListGenerator.Spec stored = new CallListGenerator.Spec(CALLS, newest, SPACING, 0);
        CallListGenerator.Spec warmUp = new CallListGenerator.Spec(CALLS, newest, SPACING, 100, 1);
        CallListGenerator.Spec onePercentChanged = new CallListGenerator.Spec(CALLS, newest, SPACING, 100, 2);

        long seeded = time(() -> seed(stored));
        System.out.printf("BENCH seeded %d stored calls in %d ms%n", CALLS, seeded);
        long generated = time(() -> {
            for (int i = 0; i < CALLS; i++) CallListGenerator.json(onePercentChanged, i);
        });
        System.out.printf(
                "BENCH generating the list alone (the fake upstream's work, inside both timings below): %d ms%n",
                generated);

        // Warm-up, as a running gateway is after its first polls: JIT, connection pool, and the
        // reconciler, which applies the warm-up list's 1% of changes (the measured list changes them again).
        lease.tryAcquire("bench", Duration.ofMinutes(10));
        CallListGenerator.serve(warmUp);
        parseOnly();
        discovery.discover("bench", now, () -> true);
        forgetHighWaterMark();

        CallListGenerator.serve(onePercentChanged);
        System.gc();
        long heapBaseline = memory.getHeapMemoryUsage().getUsed();

        peakHeap = 0;
        long parseMillis = time(this::parseOnly);
        long parsePeak = peakHeap;

        peakHeap = 0;
        CallDiscovery.Report[] report = new CallDiscovery.Report[1];
        long pollMillis = time(() -> report[0] = discovery.discover("bench", now, () -> {
            sampleHeap();
            return true;
        }));
        long pollPeak = peakHeap;

        System.out.printf(
                "BENCH parse only: %d calls in %d ms, live heap peak %d MB (after GC; baseline %d MB, max heap %d MB)%n",
                CALLS,
                parseMillis,
                parsePeak >> 20,
                heapBaseline >> 20,
                Runtime.getRuntime().maxMemory() >> 20);
        System.out.printf(
                "BENCH poll (1%% changed): read %d, applied %d, skipped %d in %d ms (compare %d ms, apply %d ms),"
                        + " live heap peak %d MB%n",
                report[0].read(),
                report[0].applied(),
                report[0].skipped(),
                pollMillis,
                report[0].compareTime().toMillis(),
                report[0].applyTime().toMillis(),
                pollPeak >> 20);
        // the same list again, now fully stored: what the comparison alone costs
        forgetHighWaterMark();
        CallDiscovery.Report[] again = new CallDiscovery.Report[1];
        long unchangedMillis = time(() -> again[0] = discovery.discover("bench", now, () -> true));
        System.out.printf(
                "BENCH poll (nothing changed): read %d, applied %d, skipped %d in %d ms (compare %d ms)%n",
                again[0].read(),
                again[0].applied(),
                again[0].skipped(),
                unchangedMillis,
                again[0].compareTime().toMillis());
        profileApply(now);
        System.out.printf("BENCH ratio poll/parse = %.2f (goal <= 2)%n", (double) pollMillis / parseMillis);
        assertEquals(CALLS / 100, report[0].applied());
        assertEquals(CALLS - CALLS / 100, report[0].skipped());
    }

    @Inject
    io.callingboxgateway.reconcile.Reconciler reconciler;

    @Inject
    StoredCalls storedCalls;

    private void profileApply(Instant now) {
        CallListGenerator.Spec later =
                new CallListGenerator.Spec(CALLS, now.minusSeconds(60), Duration.ofSeconds(20), 1, 3);
        java.util.List<CallSnapshot> calls = new java.util.ArrayList<>();
        for (int i = 1; i < 400; i += 2) {
            try {
                CallSnapshot c = json.readValue(CallListGenerator.json(later, i), CallSnapshot.class);
                calls.add(c);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        long loadMs = time(() -> storedCalls.unchanged(calls));
        long applyMs =
                time(() -> calls.forEach(c -> reconciler.apply(c, io.callingboxgateway.reconcile.Source.POLL, null)));
        System.out.printf(
                "BENCH profile: comparison of %d calls with the store %d ms; %d applies %d ms (%.1f ms each)%n",
                calls.size(), loadMs, calls.size(), applyMs, (double) applyMs / calls.size());
    }

    /** So the next discovery reads the whole list again, as a first scan does. */
    private void forgetHighWaterMark() {
        io.quarkus.narayana.jta.QuarkusTransaction.requiringNew()
                .run(() -> em.createNativeQuery("update poller_lease set high_water_mark = null")
                        .executeUpdate());
    }

    /** Reads the list as discovery does, but only parses: the floor a poll cannot go under. */
    private void parseOnly() {
        try (InputStream body = client.openCallList();
                JsonParser parser = json.getFactory().createParser(body)) {
            int n = 0;
            parser.nextToken();
            while (parser.nextToken() == JsonToken.START_OBJECT) {
                json.readValue(parser, CallSnapshot.class);
                if (++n % 200 == 0) sampleHeap();
            }
            assertEquals(CALLS, n);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Keeps the highest heap use seen right after a garbage collection: what is alive, not the garbage
     * a young generation piles up between collections (which only says how big the heap may grow).
     */
    private void sampleHeap() {
        long latestEnd = -1;
        long afterGc = 0;
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (collector instanceof com.sun.management.GarbageCollectorMXBean withInfo) {
                GcInfo last = withInfo.getLastGcInfo();
                if (last != null && last.getEndTime() > latestEnd) {
                    latestEnd = last.getEndTime();
                    afterGc = last.getMemoryUsageAfterGc().entrySet().stream()
                            .filter(pool -> HEAP_POOLS.contains(pool.getKey()))
                            .mapToLong(pool -> pool.getValue().getUsed())
                            .sum();
                }
            }
        }
        peakHeap = Math.max(peakHeap, afterGc);
    }

    private static final java.util.Set<String> HEAP_POOLS = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(pool -> pool.getType() == MemoryType.HEAP)
            .map(MemoryPoolMXBean::getName)
            .collect(java.util.stream.Collectors.toSet());

    /** Stores the list as the reconciler would have, with one JDBC batch per 1,000 calls. */
    private void seed(CallListGenerator.Spec spec) {
        String sql = """
                insert into call (id, agent_id, to_number, from_number, status, direction, answered_by, persona,
                    instructions, prompt, context, returns, result, result_status, result_error, language,
                    webhook_url, webhook_status, webhook_error, created_at, started_at, answered_at, ended_at,
                    duration_seconds, billed_duration_seconds, billing_amount_milli_cents, reservation_status,
                    error_code, error_message, hangup_cause, metadata, updated_at, first_seen_via,
                    result_updated_at, webhook_updated_at)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?::jsonb, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
                    ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, 'poll', ?, ?)
                """;
        try (Connection connection = dataSource.getConnection();
                PreparedStatement insert = connection.prepareStatement(sql)) {
            for (int i = 0; i < spec.count(); i++) {
                CallSnapshot c = json.readValue(CallListGenerator.json(spec, i), CallSnapshot.class);
                int p = 0;
                insert.setObject(++p, c.id());
                insert.setObject(++p, c.agentId());
                insert.setString(++p, c.toNumber());
                insert.setString(++p, c.fromNumber());
                insert.setString(++p, c.status());
                insert.setString(++p, c.direction());
                insert.setString(++p, c.answeredBy());
                insert.setString(++p, c.persona());
                insert.setString(++p, c.instructions());
                insert.setString(++p, c.prompt());
                insert.setString(++p, text(c.context()));
                insert.setString(++p, text(c.returns()));
                insert.setString(++p, text(c.result()));
                insert.setString(++p, c.resultStatus());
                insert.setString(++p, c.resultError());
                insert.setString(++p, c.language());
                insert.setString(++p, c.webhookUrl());
                insert.setString(++p, c.webhookStatus());
                insert.setString(++p, c.webhookError());
                for (Instant t : new Instant[] {c.createdAt(), c.startedAt(), c.answeredAt(), c.endedAt()}) {
                    insert.setTimestamp(++p, t == null ? null : Timestamp.from(t));
                }
                setInt(insert, ++p, c.durationSeconds());
                setInt(insert, ++p, c.billedDurationSeconds());
                if (c.billingAmountMilliCents() == null) insert.setNull(++p, Types.BIGINT);
                else insert.setLong(++p, c.billingAmountMilliCents());
                insert.setString(++p, c.reservationStatus());
                insert.setString(++p, c.errorCode());
                insert.setString(++p, c.errorMessage());
                insert.setString(++p, c.hangupCause());
                insert.setString(++p, text(c.metadata()));
                insert.setTimestamp(++p, Timestamp.from(c.updatedAt()));
                insert.setTimestamp(++p, Timestamp.from(c.updatedAt()));
                insert.setTimestamp(++p, Timestamp.from(c.updatedAt()));
                insert.addBatch();
                if (i % 1000 == 999) insert.executeBatch();
            }
            insert.executeBatch();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String text(JsonNode node) {
        return node == null ? null : node.toString();
    }

    private static void setInt(PreparedStatement statement, int index, Integer value) throws Exception {
        if (value == null) statement.setNull(index, Types.INTEGER);
        else statement.setInt(index, value);
    }

    private static long time(Runnable work) {
        long start = System.nanoTime();
        work.run();
        return (System.nanoTime() - start) / 1_000_000;
    }
}
