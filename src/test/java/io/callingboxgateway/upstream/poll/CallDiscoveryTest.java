package io.callingboxgateway.upstream.poll;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.callingboxgateway.upstream.UpstreamFixtures.completed;
import static io.callingboxgateway.upstream.UpstreamFixtures.inProgress;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.callingboxgateway.model.CallSnapshot;
import io.callingboxgateway.reconcile.Call;
import io.callingboxgateway.reconcile.Reconciler;
import io.callingboxgateway.reconcile.Source;
import io.callingboxgateway.testing.CallingBoxWireMock;
import io.callingboxgateway.testing.Metrics;
import io.callingboxgateway.testing.PostgresResource;
import io.callingboxgateway.upstream.CallingBoxClient;
import io.callingboxgateway.upstream.UpstreamFixtures;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = CallingBoxWireMock.class, scope = TestResourceScope.GLOBAL)
class CallDiscoveryTest {

    static final String REPLICA = "replica-discovery-test";

    @Inject
    CallDiscovery discovery;

    @Inject
    PollerLease lease;

    @Inject
    PollProgress progress;

    @Inject
    Reconciler reconciler;

    @Inject
    EntityManager em;

    @Inject
    ObjectMapper json;

    @Inject
    CircuitBreakerMaintenance breakers;

    Instant now;

    @BeforeEach
    void reset() {
        UpstreamFixtures.emptyStore(em);
        CallingBoxWireMock.server().resetAll();
        breakers.reset(CallingBoxClient.BREAKER);
        now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        lease.tryAcquire(REPLICA, Duration.ofMinutes(2));
    }

    @Test
    void theFirstDiscoveryOnAnEmptyStoreBackfillsOnlyCallsNewerThanBackfillSince() {
        CallSnapshot hourOld = completed(UUID.randomUUID(), now.minus(Duration.ofHours(1)));
        CallSnapshot twoDaysOld = inProgress(UUID.randomUUID(), now.minus(Duration.ofDays(2)));
        CallSnapshot almostMonthOld = completed(UUID.randomUUID(), now.minus(Duration.ofDays(29)));
        CallSnapshot monthOld = completed(UUID.randomUUID(), now.minus(Duration.ofDays(31)));
        CallSnapshot older = completed(UUID.randomUUID(), now.minus(Duration.ofDays(40)));
        list(hourOld, twoDaysOld, almostMonthOld, monthOld, older);

        CallDiscovery.Report report = discovery.discover(REPLICA, now, () -> true);

        assertEquals(Source.BACKFILL, report.source());
        assertEquals(5, report.read());
        assertEquals(3, report.applied());
        assertEquals(2, report.olderThanBackfill());
        assertFalse(report.stoppedEarly());
        assertStored(hourOld, twoDaysOld, almostMonthOld);
        assertNull(stored(monthOld.id()));
        assertNull(stored(older.id()));
        assertEquals("poll", stored(hourOld.id()).firstSeenVia());
        assertEquals(List.of("backfill"), eventSources());
        assertEquals(hourOld.createdAt(), progress.read().highWaterMark());
    }

    @Test
    void aSecondPollAppliesOnlyTheCallThatChanged() {
        CallSnapshot first = completed(UUID.randomUUID(), now.minus(Duration.ofMinutes(1)));
        CallSnapshot second = inProgress(UUID.randomUUID(), now.minus(Duration.ofMinutes(3)));
        CallSnapshot third = completed(UUID.randomUUID(), now.minus(Duration.ofMinutes(5)));
        list(first, second, third);
        discovery.discover(REPLICA, now, () -> true);
        long eventsBefore = events();

        CallSnapshot secondEnded = completed(second.id(), second.createdAt());
        list(first, secondEnded, third);
        CallDiscovery.Report report = discovery.discover(REPLICA, now.plusSeconds(30), () -> true);

        assertEquals(Source.POLL, report.source());
        assertEquals(3, report.read());
        assertEquals(1, report.applied());
        assertEquals(2, report.skipped());
        assertEquals("completed", stored(second.id()).snapshot().status());
        assertEquals("completed", stored(second.id()).snapshot().resultStatus());
        assertEquals(1, decisions(first.id()), "an unchanged call is not even handed to the reconciler");
        assertTrue(events() > eventsBefore);
        assertEquals(List.of("poll"), eventSources(second.id(), eventsBefore));
    }

    @Test
    void callsCreatedBetweenKnownOnesAreFoundAndTheScanStopsBelowTheHighWaterMark() {
        CallSnapshot lastScanned = completed(UUID.randomUUID(), now.minus(Duration.ofHours(2)));
        list(lastScanned);
        discovery.discover(REPLICA, now, () -> true);
        // while webhooks failed: only the newest call's webhook got through
        CallSnapshot webhooked = inProgress(UUID.randomUUID(), now.minus(Duration.ofMinutes(10)));
        reconciler.apply(webhooked, Source.WEBHOOK, UUID.randomUUID());
        CallSnapshot between = completed(UUID.randomUUID(), now.minus(Duration.ofHours(1)));
        CallSnapshot justBelowMark =
                completed(UUID.randomUUID(), lastScanned.createdAt().minus(Duration.ofMinutes(5)));
        CallSnapshot longBefore = completed(UUID.randomUUID(), now.minus(Duration.ofHours(3)));
        list(webhooked, between, lastScanned, justBelowMark, longBefore);

        CallDiscovery.Report report = discovery.discover(REPLICA, now.plusSeconds(30), () -> true);

        assertTrue(report.stoppedEarly());
        assertEquals(5, report.read(), "the call that crossed the stop point is the last one read");
        assertNotNull(stored(between.id()), "created between two known calls");
        assertNotNull(stored(justBelowMark.id()), "within the safety overlap below the mark");
        assertNull(stored(longBefore.id()), "below the mark minus the overlap: the scan stopped there");
        assertEquals(webhooked.createdAt(), progress.read().highWaterMark());
    }

    @Test
    void listedCallsPostgreSqlCannotStoreAreSkippedAndTheRestAreStored() {
        CallSnapshot farFuture = completed(UUID.randomUUID(), now.minus(Duration.ofSeconds(30)));
        CallSnapshot fine = completed(UUID.randomUUID(), now.minus(Duration.ofMinutes(1)));
        CallSnapshot withNul = completed(UUID.randomUUID(), now.minus(Duration.ofMinutes(5)));
        String body = UpstreamFixtures.json(json, List.of(farFuture, fine, withNul))
                // the first created_at is farFuture's: beyond timestamptz, so it must not become the mark
                .replaceFirst("\"created_at\":\"[^\"]+\"", "\"created_at\":\"+295000-01-01T00:00:00Z\"")
                // the third to_number is withNul's; PostgreSQL stores no NUL character in text
                .replaceFirst("((?:.*?\"to_number\":\"){3})", "$1\\\\u0000");
        CallingBoxWireMock.server().stubFor(get(urlPathEqualTo("/v1/calls")).willReturn(okJson(body)));

        CallDiscovery.Report report = discovery.discover(REPLICA, now, () -> true);

        assertEquals(3, report.read());
        assertEquals(1, report.applied());
        assertEquals(2, report.invalid());
        assertStored(fine);
        assertNull(stored(farFuture.id()));
        assertNull(stored(withNul.id()));
        assertEquals(fine.createdAt(), progress.read().highWaterMark(), "bad calls do not hold up discovery");
    }

    @Test
    void listedCallsWithFieldsCallingBoxAddedLaterAreStillStored() {
        CallSnapshot call = completed(UUID.randomUUID(), now.minus(Duration.ofMinutes(1)));
        String body = UpstreamFixtures.json(json, List.of(call))
                // CallingBox adds fields over time: the gateway's strictness towards its own callers must
                // not make it refuse them
                .replaceFirst("\\{\"id\"", "{\"sentiment\":{\"score\":0.8},\"id\"");
        CallingBoxWireMock.server().stubFor(get(urlPathEqualTo("/v1/calls")).willReturn(okJson(body)));

        CallDiscovery.Report report = discovery.discover(REPLICA, now, () -> true);

        assertEquals(1, report.applied(), body);
        assertStored(call);
    }

    @Test
    void aCallInAnUnexpectedShapeNeitherStopsTheScanNorHidesTheCallsAroundIt() {
        List<CallSnapshot> calls = List.of(
                completed(UUID.randomUUID(), now.minus(Duration.ofMinutes(1))),
                completed(UUID.randomUUID(), now.minus(Duration.ofMinutes(2))),
                completed(UUID.randomUUID(), now.minus(Duration.ofMinutes(3))),
                completed(UUID.randomUUID(), now.minus(Duration.ofMinutes(4))),
                completed(UUID.randomUUID(), now.minus(Duration.ofMinutes(5))),
                completed(UUID.randomUUID(), now.minus(Duration.ofMinutes(6))));
        String body = UpstreamFixtures.json(json, calls)
                // the 2nd call's agent id in a shape CallingBox might adopt: stored, agent_id unknown
                .replace(
                        "\"id\":\"" + calls.get(1).id() + "\",\"agent_id\":\"5b0f6a9e-2f43-4c8e-9d55-0a7f3c2b1e10\"",
                        "\"id\":\"" + calls.get(1).id()
                                + "\",\"agent_id\":\"agt_x\",\"sentiment\":{\"score\":0.8},\"brand_new_field\":{\"a\":[1]}")
                // the 3rd has no id: invalid
                .replace("\"id\":\"" + calls.get(2).id() + "\",", "")
                // the 4th has an id that is no UUID: it cannot be bound at all, and is skipped to its end
                .replace("\"id\":\"" + calls.get(3).id() + "\"", "\"id\":\"call_4\"");
        CallingBoxWireMock.server().stubFor(get(urlPathEqualTo("/v1/calls")).willReturn(okJson(body)));
        double mismatchesBefore = agentIdMismatches();

        CallDiscovery.Report report = discovery.discover(REPLICA, now, () -> true);

        assertEquals(6, report.read());
        assertEquals(4, report.applied());
        assertEquals(2, report.invalid());
        assertStored(calls.get(0), calls.get(1), calls.get(4), calls.get(5));
        assertNull(stored(calls.get(1).id()).snapshot().agentId(), "a value that does not fit is stored as unknown");
        // ... and served as CallingBox sent it, beside the fields CallingBox added later (ADR 0056)
        io.restassured.RestAssured.given()
                .get("/calls/{id}", calls.get(1).id())
                .then()
                .statusCode(200)
                .body("agent_id", org.hamcrest.Matchers.equalTo("agt_x"))
                .body("sentiment.score", org.hamcrest.Matchers.equalTo(0.8f))
                .body("brand_new_field.a[0]", org.hamcrest.Matchers.equalTo(1))
                .body("reconciliation.first_seen_via", org.hamcrest.Matchers.equalTo("poll"));
        assertEquals(calls.get(0).createdAt(), progress.read().highWaterMark(), "the mark moves past them");
        assertEquals(mismatchesBefore + 1, agentIdMismatches());
    }

    private double agentIdMismatches() {
        return Metrics.value("gateway_calls_shape_mismatch_total{field=\"agent_id\"}");
    }

    @Test
    void aScanWhoseCallsCannotBeStoredFailsAndTheNextScanReadsThemAgain() {
        CallSnapshot scanned = completed(UUID.randomUUID(), now.minus(Duration.ofHours(2)));
        list(scanned);
        discovery.discover(REPLICA, now, () -> true);
        Instant mark = progress.read().highWaterMark();

        CallSnapshot newer = completed(UUID.randomUUID(), now.minus(Duration.ofMinutes(5)));
        list(newer, scanned);
        refuseInsertsOfCalls(true);
        try {
            assertThrows(RuntimeException.class, () -> discovery.discover(REPLICA, now.plusSeconds(30), () -> true));
        } finally {
            refuseInsertsOfCalls(false);
        }
        assertEquals(mark, progress.read().highWaterMark(), "a failed scan does not move the mark");
        assertNull(stored(newer.id()));

        discovery.discover(REPLICA, now.plusSeconds(60), () -> true);
        assertStored(newer, scanned);
        assertEquals(newer.createdAt(), progress.read().highWaterMark());
    }

    /** A database that refuses the statement, as a full disk or a failing constraint would. */
    private void refuseInsertsOfCalls(boolean refuse) {
        QuarkusTransaction.requiringNew().run(() -> {
            if (refuse) {
                em.createNativeQuery("""
                                create function refuse_call() returns trigger language plpgsql as $$
                                begin raise exception 'refused by the test'; end $$""").executeUpdate();
                em.createNativeQuery("""
                                create trigger refuse_call before insert on call
                                for each row execute function refuse_call()""").executeUpdate();
            } else {
                em.createNativeQuery("drop function refuse_call() cascade").executeUpdate();
            }
        });
    }

    private void list(CallSnapshot... calls) {
        CallingBoxWireMock.server().resetAll();
        CallingBoxWireMock.server()
                .stubFor(get(urlPathEqualTo("/v1/calls")).willReturn(okJson(UpstreamFixtures.json(json, calls))));
    }

    private void assertStored(CallSnapshot... calls) {
        for (CallSnapshot call : calls) {
            Call row = stored(call.id());
            assertNotNull(row, "call " + call.id() + " stored");
            assertEquals(call.status(), row.snapshot().status());
        }
    }

    private Call stored(UUID id) {
        return QuarkusTransaction.requiringNew().call(() -> em.find(Call.class, id));
    }

    @SuppressWarnings("unchecked")
    private List<String> eventSources() {
        return QuarkusTransaction.requiringNew()
                .call(() -> em.createNativeQuery("select distinct source from call_event order by 1")
                        .getResultList());
    }

    @SuppressWarnings("unchecked")
    private List<String> eventSources(UUID callId, long afterId) {
        return QuarkusTransaction.requiringNew()
                .call(() -> em.createNativeQuery(
                                "select distinct source from call_event where call_id = :id and id > :after")
                        .setParameter("id", callId)
                        .setParameter("after", afterId)
                        .getResultList());
    }

    private long events() {
        return QuarkusTransaction.requiringNew()
                .call(() -> ((Number) em.createNativeQuery("select coalesce(max(id), 0) from call_event")
                                .getSingleResult())
                        .longValue());
    }

    private long decisions(UUID callId) {
        return QuarkusTransaction.requiringNew()
                .call(() -> ((Number) em.createNativeQuery("select count(*) from call_decision where call_id = :id")
                                .setParameter("id", callId)
                                .getSingleResult())
                        .longValue());
    }
}
