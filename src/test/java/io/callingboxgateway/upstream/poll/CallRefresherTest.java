package io.callingboxgateway.upstream.poll;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.callingboxgateway.upstream.UpstreamFixtures.call;
import static io.callingboxgateway.upstream.UpstreamFixtures.completed;
import static io.callingboxgateway.upstream.UpstreamFixtures.inProgress;
import static io.callingboxgateway.upstream.UpstreamFixtures.ringing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = CallingBoxWireMock.class, scope = TestResourceScope.GLOBAL)
class CallRefresherTest {

    @Inject
    CallRefresher refresher;

    @Inject
    Reconciler reconciler;

    @Inject
    EntityManager em;

    @Inject
    ObjectMapper json;

    @Inject
    CircuitBreakerMaintenance breakers;

    Instant created;

    @BeforeEach
    void reset() {
        UpstreamFixtures.emptyStore(em);
        CallingBoxWireMock.server().resetAll();
        breakers.reset(CallingBoxClient.BREAKER);
        created = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofMinutes(20));
    }

    @Test
    void aCallWhoseWebhooksWereAllDroppedIsCompletedByThePoller() {
        UUID id = UUID.randomUUID();
        reconciler.apply(ringing(id, created), Source.WEBHOOK, UUID.randomUUID());
        upstreamHas(completed(id, created));

        CallRefresher.Report report = refresher.refreshDue(Instant.now());

        assertEquals(1, report.due());
        assertEquals(1, report.changed());
        assertEquals(1, report.settled());
        Call call = stored(id);
        assertEquals("completed", call.snapshot().status());
        assertEquals("completed", call.snapshot().resultStatus());
        assertEquals(true, call.snapshot().result().get("confirmed").asBoolean());
        assertEquals(List.of("poll"), sourcesAfterFirstEvent(id));
        assertNull(schedule(id), "a settled call leaves the refresh schedule");
    }

    @Test
    void aCallCallingBoxAnswersInAnUnusableShapeIsBackedOffAndTheRoundGoesOn() {
        UUID broken = UUID.randomUUID();
        UUID fine = UUID.randomUUID();
        reconciler.apply(ringing(broken, created), Source.WEBHOOK, UUID.randomUUID());
        reconciler.apply(ringing(fine, created.plusSeconds(1)), Source.WEBHOOK, UUID.randomUUID());
        String withoutUpdatedAt =
                UpstreamFixtures.json(json, completed(broken, created)).replaceFirst(",?\"updated_at\":\"[^\"]+\"", "");
        CallingBoxWireMock.server()
                .stubFor(get(urlPathEqualTo("/v1/calls/" + broken)).willReturn(okJson(withoutUpdatedAt)));
        upstreamHas(completed(fine, created.plusSeconds(1)));
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);

        CallRefresher.Report report = refresher.refreshDue(now);

        assertEquals(2, report.due());
        assertEquals(1, report.invalid());
        assertEquals(1, report.changed());
        assertEquals("completed", stored(fine).snapshot().status());
        assertEquals("ringing", stored(broken).snapshot().status());
        Instant next = Db.instant(schedule(broken)[0]);
        assertTrue(next.isAfter(now), "set aside, not first in line: due again at " + next);
        assertEquals(0, refresher.refreshDue(now).due());
    }

    @Test
    void theBackoffGrowsWithUnchangedReadsUpToTenIntervalsAndResetsOnChange() {
        UUID id = UUID.randomUUID();
        CallSnapshot talking = inProgress(id, created);
        reconciler.apply(talking, Source.WEBHOOK, UUID.randomUUID());
        upstreamHas(talking);

        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        double unchangedBefore = unchangedReads();
        List<Long> delays = new ArrayList<>();
        for (int read = 0; read < 6; read++) {
            refresher.refreshDue(now);
            Object[] row = schedule(id);
            Instant lastRead = Db.instant(row[2]);
            Instant next = Db.instant(row[0]);
            delays.add(Duration.between(lastRead, next).toSeconds());
            now = next;
        }

        // the poll interval is off in tests, so the unit is the 30 s default; the cap is 10 x 30 s
        assertEquals(List.of(60L, 120L, 240L, 300L, 300L, 300L), delays);
        assertEquals(unchangedBefore + 6, unchangedReads(), "one re-read per due time");

        CallSnapshot stillTalking =
                call(id, "in_progress", created, created.plusSeconds(600), created.plusSeconds(10), "pending", null);
        upstreamHas(stillTalking);
        refresher.refreshDue(now);
        Object[] row = schedule(id);
        assertEquals(
                30, Duration.between(Db.instant(row[2]), Db.instant(row[0])).toSeconds());
        assertEquals(0, ((Number) row[1]).intValue());
    }

    @Test
    void settledCallsAreNotRefreshedButACompletedCallAwaitingItsResultIs() {
        UUID done = UUID.randomUUID();
        UUID unanswered = UUID.randomUUID();
        UUID awaitingResult = UUID.randomUUID();
        reconciler.apply(completed(done, created), Source.WEBHOOK, UUID.randomUUID());
        reconciler.apply(
                call(unanswered, "no_answer", created, created.plusSeconds(40), null, "pending", null),
                Source.WEBHOOK,
                UUID.randomUUID());
        reconciler.apply(
                call(
                        awaitingResult,
                        "completed",
                        created,
                        created.plusSeconds(100),
                        created.plusSeconds(9),
                        "pending",
                        null),
                Source.WEBHOOK,
                UUID.randomUUID());
        upstreamHas(completed(awaitingResult, created));

        CallRefresher.Report report = refresher.refreshDue(Instant.now());

        assertEquals(1, report.due());
        assertEquals(0, requestsFor(done));
        assertEquals(0, requestsFor(unanswered));
        assertEquals(1, requestsFor(awaitingResult));
        assertEquals("completed", stored(awaitingResult).snapshot().resultStatus());
    }

    @Test
    void aCompletedCallIsReReadUntilItsInlineWebhookIsNoLongerPending() throws Exception {
        UUID completed = UUID.randomUUID();
        UUID unanswered = UUID.randomUUID();
        Instant hungUp = created.plusSeconds(200);
        reconciler.apply(
                withInlineWebhook(completed(completed, created), "pending", hungUp), Source.WEBHOOK, UUID.randomUUID());
        // CallingBox sends no call.completed for a call nobody answered: its inline webhook stays pending
        reconciler.apply(
                withInlineWebhook(
                        call(unanswered, "no_answer", created, created.plusSeconds(40), null, "pending", null),
                        "pending",
                        created.plusSeconds(40)),
                Source.WEBHOOK,
                UUID.randomUUID());
        upstreamHas(withInlineWebhook(completed(completed, created), "delivered", hungUp.plusSeconds(2)));

        CallRefresher.Report report = refresher.refreshDue(Instant.now());

        assertEquals(1, report.due());
        assertEquals(1, report.settled());
        assertEquals("delivered", stored(completed).snapshot().webhookStatus());
        assertEquals(0, requestsFor(unanswered));
        assertNull(schedule(completed), "settled once its inline webhook is delivered");
    }

    @Test
    void aCallCallingBoxDoesNotKnowIsMarkedAndNotReReadForever() {
        UUID id = UUID.randomUUID();
        reconciler.apply(inProgress(id, created), Source.WEBHOOK, UUID.randomUUID());
        CallingBoxWireMock.server()
                .stubFor(get(urlPathMatching("/v1/calls/.*"))
                        .willReturn(aResponse().withStatus(404).withBody("{\"error\": \"call not found\"}")));
        double missingBefore = Metrics.value("callingbox_refresh_missing_total");

        CallRefresher.Report first = refresher.refreshDue(Instant.now());
        CallRefresher.Report later = refresher.refreshDue(Instant.now().plus(Duration.ofHours(1)));

        assertEquals(1, first.missing());
        assertEquals(0, later.due());
        assertEquals(1, requestsFor(id));
        assertNotNull(schedule(id)[3], "marked missing");
        assertEquals(missingBefore + 1, Metrics.value("callingbox_refresh_missing_total"));
        assertEquals(CircuitBreakerState.CLOSED, breakers.currentState(CallingBoxClient.BREAKER));
        assertTrue(stored(id) != null, "the stored call itself is left as it was");
    }

    /** The call as CallingBox shows it when it was placed with an inline webhook_url. */
    private CallSnapshot withInlineWebhook(CallSnapshot call, String webhookStatus, Instant updatedAt)
            throws Exception {
        ObjectNode node = json.valueToTree(call);
        node.put("webhook_url", "https://hooks.example.com/callingbox");
        node.put("webhook_status", webhookStatus);
        node.put("updated_at", updatedAt.toString());
        return json.treeToValue(node, CallSnapshot.class);
    }

    private void upstreamHas(CallSnapshot call) {
        CallingBoxWireMock.server()
                .stubFor(get(urlPathEqualTo("/v1/calls/" + call.id()))
                        .willReturn(okJson(UpstreamFixtures.json(json, call))));
    }

    private double unchangedReads() {
        return Metrics.value("callingbox_refresh_reads_total{changed=\"false\"}");
    }

    private int requestsFor(UUID id) {
        return CallingBoxWireMock.server()
                .findAll(getRequestedFor(urlPathEqualTo("/v1/calls/" + id)))
                .size();
    }

    private Call stored(UUID id) {
        return QuarkusTransaction.requiringNew().call(() -> em.find(Call.class, id));
    }

    /** next_refresh_at, unchanged_reads, last_read_at, missing_at; null when the call is not scheduled. */
    private Object[] schedule(UUID id) {
        return QuarkusTransaction.requiringNew().call(() -> {
            List<?> rows = em.createNativeQuery("select next_refresh_at, unchanged_reads, last_read_at, missing_at"
                            + " from call_refresh where call_id = :id")
                    .setParameter("id", id)
                    .getResultList();
            return rows.isEmpty() ? null : (Object[]) rows.get(0);
        });
    }

    @SuppressWarnings("unchecked")
    private List<String> sourcesAfterFirstEvent(UUID id) {
        return QuarkusTransaction.requiringNew()
                .call(() -> em.createNativeQuery("select distinct source from call_event where call_id = :id"
                                + " and call_seq > 1 order by 1")
                        .setParameter("id", id)
                        .getResultList());
    }
}
