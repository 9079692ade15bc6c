package io.callingboxgateway.privacy;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.callingboxgateway.events.EventSequencer;
import io.callingboxgateway.model.CallSnapshot;
import io.callingboxgateway.reconcile.CallMerge.Outcome;
import io.callingboxgateway.reconcile.Reconciler;
import io.callingboxgateway.reconcile.Source;
import io.callingboxgateway.testing.CallingBoxWireMock;
import io.callingboxgateway.testing.Metrics;
import io.callingboxgateway.testing.PostgresResource;
import io.callingboxgateway.testing.SignedWebhook;
import io.callingboxgateway.testing.TestCall;
import io.callingboxgateway.testing.TestCredentials;
import io.callingboxgateway.testing.TestDatabase;
import io.callingboxgateway.transcripts.TranscriptFetcher;
import io.callingboxgateway.upstream.CallingBoxClient;
import io.callingboxgateway.upstream.UpstreamFixtures;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Retention (30 days) and redaction (7 days) of calls. Calls are stored through the reconciler with
 * recent timestamps, then the sweep is run with a later "now"; the intake rule is judged against the
 * real clock with snapshots dated in the past. Sweep batches hold 3 calls (the test profile).
 */
@QuarkusTest
@TestProfile(CallSweepTest.Limits.class)
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = CallingBoxWireMock.class, scope = TestResourceScope.GLOBAL)
class CallSweepTest {

    public static class Limits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.calls.retention", "30d", "gateway.calls.redact-after", "7d");
        }
    }

    private static final String DELETED = "gateway_calls_retention_deleted_total";
    private static final String REDACTED = "gateway_calls_redaction_redacted_total";
    private static final String REFUSED = "gateway_merge_total{outcome=\"refused\"}";
    private static final String ALICE_MASKED = "+1\u2022\u2022\u2022\u2022\u2022\u2022\u20220123";

    /** The tables that hold something about a call, and how each names it. */
    private static final Map<String, String> ROWS_OF_A_CALL = Map.of(
            "call", "select count(*) from call where id = ?",
            "call_event", "select count(*) from call_event where call_id = ?",
            "call_decision", "select count(*) from call_decision where call_id = ?",
            "webhook_receipt", "select count(*) from webhook_receipt where call_id = ?",
            "webhook_redelivery", "select count(*) from webhook_redelivery where call_id = ?",
            "call_refresh", "select count(*) from call_refresh where call_id = ?",
            "call_transcript", "select count(*) from call_transcript where call_id = ?",
            "call_transcript_fetch", "select count(*) from call_transcript_fetch where call_id = ?",
            "dead_letter",
                    "select count(*) from dead_letter where event_id in (select id from call_event where call_id = ?)");

    @Inject
    CallSweep sweep;

    @Inject
    Reconciler reconciler;

    @Inject
    TranscriptFetcher fetcher;

    @Inject
    EventSequencer sequencer;

    @Inject
    TestDatabase db;

    @Inject
    EntityManager em;

    @Inject
    ObjectMapper json;

    @Inject
    CircuitBreakerMaintenance breakers;

    private Instant t;

    @BeforeEach
    void reset() {
        UpstreamFixtures.emptyStore(em);
        db.update("delete from subscription");
        CallingBoxWireMock.server().resetAll();
        breakers.reset(CallingBoxClient.BREAKER);
        t = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    }

    @Test
    void retentionDeletesEveryRowOfOldCallsAndNothingElse() throws Exception {
        List<UUID> old = List.of(
                fullyRecorded(t.minus(Duration.ofHours(2))),
                fullyRecorded(t.minus(Duration.ofHours(2))),
                fullyRecorded(t.minus(Duration.ofHours(2))),
                fullyRecorded(t.minus(Duration.ofHours(2))));
        // Younger than both limits at the sweep's "now": neither deleted nor redacted
        UUID young = fullyRecorded(t.plus(Duration.ofDays(25)));
        double before = Metrics.find(DELETED).orElse(0);
        for (String table : ROWS_OF_A_CALL.keySet()) {
            assertTrue(rows(table, old.get(0)) > 0, table + " holds something of the call before the sweep");
        }

        CallSweep.Report report = sweep.run(t.plus(Duration.ofDays(31)));

        assertTrue(report.ran());
        assertEquals(4, report.deleted(), "four calls, over two batches of three");
        assertEquals(4, report.deadLetters());
        assertEquals(4, report.transcripts());
        assertEquals(8, report.receipts(), "each call's webhook receipt and redelivery request");
        for (UUID id : old) {
            for (String table : ROWS_OF_A_CALL.keySet()) {
                assertEquals(0, rows(table, id), table + " of a call past retention");
            }
        }
        for (String table : ROWS_OF_A_CALL.keySet()) {
            assertTrue(rows(table, young) > 0, table + " of a call within retention is kept");
        }
        assertEquals(4, Metrics.value(DELETED) - before, 0.0);
        assertTrue(Metrics.find("gateway_calls_sweep_seconds_count").orElse(0) >= 1, "runs are timed");
        given().get("/calls/{id}", old.get(0)).then().statusCode(404);
        // The feed goes on from any cursor: deleted events are a hole, not a gap to refuse
        given().queryParam("after", "0").get("/events").then().statusCode(200);
    }

    @Test
    void redactionKeepsStatusesTimingsAndBillingAndRemovesNumbersContentAndTranscript() throws Exception {
        UUID id = UUID.randomUUID();
        TestCall queued =
                TestCall.queued(id.toString(), t.minus(Duration.ofHours(3)).toString());
        TestCall completed =
                TestCall.completed(id.toString(), t.minus(Duration.ofHours(3)).toString());
        reconciler.apply(queued.snapshot(), Source.WEBHOOK, UUID.randomUUID());
        reconciler.apply(completed.snapshot(), Source.WEBHOOK, UUID.randomUUID());
        storeTranscript(id);
        sequencer.numberNow();
        CallSnapshot whole = completed.snapshot();
        assertTrue(eventsText(id).contains(TestCall.ALICE), "the events hold the number before");
        double before = Metrics.find(REDACTED).orElse(0);

        CallSweep.Report report = sweep.run(t.plus(Duration.ofDays(8)));

        assertEquals(1, report.redacted());
        assertEquals(0, report.deleted());
        assertEquals(1, Metrics.value(REDACTED) - before, 0.0);
        given().get("/calls/{id}", id)
                .then()
                .statusCode(200)
                .body("redacted", equalTo(true))
                .body("status", equalTo("completed"))
                .body("result_status", equalTo("completed"))
                .body("direction", equalTo("outbound"))
                .body("agent_id", equalTo(TestCall.SALES_AGENT.toString()))
                .body("ended_at", equalTo(whole.endedAt().toString()))
                .body("duration_seconds", equalTo(93))
                .body("billed_duration_seconds", equalTo(86))
                .body("billing_amount_milli_cents", equalTo(4300))
                .body("to_number", equalTo(ALICE_MASKED))
                .body("from_number", equalTo("+1\u2022\u2022\u2022\u2022\u2022\u2022\u20220100"))
                .body("prompt", nullValue())
                .body("instructions", nullValue())
                .body("context", nullValue())
                .body("result", nullValue())
                .body("metadata", nullValue());
        String maskedKey = TestCredentials.issue("redaction-masked-" + id, "calls:read");
        TestCredentials.bearer(maskedKey)
                .get("/calls/{id}", id)
                .then()
                .statusCode(200)
                .body("to_number", equalTo(ALICE_MASKED))
                .body("redacted", equalTo(true));
        assertNotNull(db.queryOne("select redacted_at from call where id = ?", row -> row.getObject(1), id));
        assertEquals(0, db.queryLong("select count(*) from call where id = ? and raw is not null", id));
        assertEquals(0, rows("call_transcript", id));
        assertEquals(0, rows("call_transcript_fetch", id));
        given().get("/calls/{id}/transcript", id).then().statusCode(404);
        String events = eventsText(id);
        assertFalse(events.contains(TestCall.ALICE), "no stored event keeps the number");
        assertFalse(events.contains(TestCall.SALES_LINE), "no stored event keeps the number");
        assertFalse(events.contains("You are Maya"), "no stored event keeps the conversation");
        assertFalse(events.contains("Alice Moreno"), "no stored event keeps the context");
        assertEquals(
                db.queryLong("select count(*) from call_event where call_id = ?", id),
                db.queryLong(
                        "select count(*) from call_event where call_id = ? and call ->> 'redacted' = 'true'"
                                + " and call ->> 'status' is not null",
                        id),
                "every stored event's call reads redacted and keeps its status");
        given().get("/calls/{id}/events", id).then().statusCode(200);

        assertEquals(0, sweep.run(t.plus(Duration.ofDays(9))).redacted(), "a redacted call is not redacted again");
    }

    @Test
    void anOldCallAWebhookBringsBackIsStoredRedactedOrNotAtAll() {
        UUID redacted = UUID.randomUUID();
        UUID refused = UUID.randomUUID();
        double refusedBefore = Metrics.find(REFUSED).orElse(0);

        SignedWebhook.post(oldEnvelope(redacted, Duration.ofDays(10)))
                .statusCode(200)
                .body("outcome", equalTo("created"));
        SignedWebhook.post(oldEnvelope(refused, Duration.ofDays(40)))
                .statusCode(200)
                .body("outcome", equalTo("refused"));

        given().get("/calls/{id}", redacted)
                .then()
                .statusCode(200)
                .body("redacted", equalTo(true))
                .body("to_number", equalTo("+1\u2022\u2022\u2022\u2022\u2022\u2022\u20220001"))
                .body("instructions", nullValue())
                .body("metadata", nullValue());
        assertFalse(eventsText(redacted).contains("+15550100001"));
        given().get("/calls/{id}", refused).then().statusCode(404);
        assertEquals(0, rows("call_event", refused));
        assertEquals(0, rows("call_decision", refused));
        assertEquals(1, Metrics.value(REFUSED) - refusedBefore, 0.0, "counted");
    }

    @Test
    void anOldCallAPollBringsBackIsStoredRedactedWithoutTranscriptOrNotAtAll() {
        UUID redacted = UUID.randomUUID();
        UUID refused = UUID.randomUUID();

        // As discovery stores a listed batch (upstream/poll/DiscoveryStore): both calls in one transaction
        QuarkusTransaction.requiringNew()
                .run(() -> reconciler.applyAll(
                        List.of(
                                UpstreamFixtures.completed(redacted, t.minus(Duration.ofDays(10))),
                                UpstreamFixtures.completed(refused, t.minus(Duration.ofDays(40)))),
                        Source.POLL));

        given().get("/calls/{id}", redacted)
                .then()
                .statusCode(200)
                .body("redacted", equalTo(true))
                .body("status", equalTo("completed"))
                .body("reconciliation.first_seen_via", equalTo("poll"))
                .body("to_number", equalTo("+1\u2022\u2022\u2022\u2022\u2022\u2022\u20220200"));
        assertEquals(0, rows("call_transcript_fetch", redacted), "a redacted call is never scheduled for a transcript");
        fetcher.fetchDue(Instant.now().plus(Duration.ofDays(1)));
        assertEquals(0, transcriptRequests(redacted));
        assertEquals(0, rows("call", refused));
        assertEquals(0, rows("call_event", refused));
        assertEquals(0, rows("call_decision", refused));
    }

    @Test
    void aWholeCallJudgedRedactedAtIntakeIsRedactedInPlaceBeforeTheMerge() throws Exception {
        UUID id = UUID.randomUUID();
        Instant created = t.minus(Duration.ofDays(9));
        TestCall ringing = TestCall.ringing(id.toString(), created.toString())
                .updatedAt(t.minus(Duration.ofHours(1)).toString());
        reconciler.apply(ringing.snapshot(), Source.POLL, null);
        // Stored whole while it was young; it has aged past redact-after since, and no sweep ran yet.
        db.update("update call set updated_at = ? where id = ?", java.sql.Timestamp.from(created.plusSeconds(5)), id);
        TestCall completed = TestCall.completed(id.toString(), created.toString())
                .updatedAt(t.minus(Duration.ofDays(8)).toString());

        assertEquals(Outcome.APPLIED, reconciler.apply(completed.snapshot(), Source.WEBHOOK, UUID.randomUUID()));
        sequencer.numberNow();

        String events = eventsText(id);
        assertFalse(events.contains(TestCall.ALICE), "neither the new event nor the old one shows the number");
        assertFalse(events.contains("You are Maya"), "nor the conversation");
        List<String> newest = db.query(
                "select cast(changes as text) from call_event where call_id = ? order by call_seq desc limit 1",
                row -> row.getString(1),
                id);
        assertFalse(newest.get(0).contains("to_number"), "the merge saw the stored number masked already");
        assertFalse(newest.get(0).contains("\"prompt\""), "and the stored content gone already");
        assertTrue(newest.get(0).contains("status"), "the change itself is recorded");
        given().get("/calls/{id}", id)
                .then()
                .body("redacted", equalTo(true))
                .body("status", equalTo("completed"))
                .body("to_number", equalTo(ALICE_MASKED));
        assertEquals(0, rows("call_transcript_fetch", id), "not scheduled for a transcript either");
    }

    @Test
    void noTranscriptIsFetchedForACallRedactedBeforeItsFetch() throws Exception {
        UUID id = UUID.randomUUID();
        reconciler.apply(
                TestCall.completed(id.toString(), t.minus(Duration.ofHours(1)).toString())
                        .snapshot(),
                Source.POLL,
                null);
        assertEquals(1, rows("call_transcript_fetch", id), "scheduled while whole");

        sweep.run(t.plus(Duration.ofDays(8)));
        fetcher.fetchDue(Instant.now().plus(Duration.ofDays(1)));

        assertEquals(0, transcriptRequests(id));
        assertEquals(0, rows("call_transcript", id));
    }

    @Test
    void aCallAWriterHoldsIsLeftForLaterAndOneReplicaSweepsAtATime() throws Exception {
        UUID id = UUID.randomUUID();
        reconciler.apply(
                TestCall.completed(id.toString(), t.minus(Duration.ofHours(1)).toString())
                        .snapshot(),
                Source.POLL,
                null);
        try (Connection writer = db.openTransaction();
                Statement statement = writer.createStatement()) {
            statement.execute("select pg_advisory_xact_lock(%d, %d)".formatted(0x43414C4C, id.hashCode()));

            CallSweep.Report report = sweep.run(t.plus(Duration.ofDays(31)));

            assertTrue(report.ran());
            assertEquals(0, report.deleted(), "the call a writer holds is not waited for");
            writer.rollback();
        }
        try (Connection otherReplica = db.connection();
                Statement statement = otherReplica.createStatement()) {
            statement.execute("select pg_advisory_lock(%d, 0)".formatted(0x50524956));
            assertFalse(sweep.run(t.plus(Duration.ofDays(31))).ran(), "another replica is sweeping");
            statement.execute("select pg_advisory_unlock(%d, 0)".formatted(0x50524956));
        }
        assertEquals(1, sweep.run(t.plus(Duration.ofDays(31))).deleted());
        assertEquals(0, rows("call", id));
    }

    /**
     * A completed call with a row in every table that can hold something of it: events and decisions
     * (reconciler), a webhook receipt, a redelivery request, a refresh schedule, a transcript and its
     * fetch, and a dead letter of one of its events.
     */
    private UUID fullyRecorded(Instant created) throws Exception {
        UUID id = UUID.randomUUID();
        String body = SignedWebhook.envelope(
                        UUID.randomUUID(), "call.completed", id, "completed", created.plusSeconds(90))
                .replace("2026-11-28T10:00:00Z", created.toString())
                .replace("2026-11-28T10:00:02Z", created.plusSeconds(2).toString())
                .replace("\"answered_at\": null", "\"answered_at\": \"" + created.plusSeconds(9) + "\"");
        SignedWebhook.post(body).statusCode(200);
        storeTranscript(id);
        db.update(
                "insert into webhook_redelivery (delivery_id, call_id, event_type, outcome, requested_at)"
                        + " values (?, ?, 'call.completed', 'requested', now())",
                UUID.randomUUID(),
                id);
        db.update("insert into call_refresh (call_id, next_refresh_at) values (?, now() + interval '1 hour')", id);
        sequencer.numberNow();
        long event = db.queryLong("select min(id) from call_event where call_id = ?", id);
        UUID subscription = UUID.randomUUID();
        db.update("""
                insert into subscription (id, url, event_types, signing_secret, enabled, position, next_attempt_at,
                    created_at, updated_at)
                values (?, 'http://127.0.0.1:9/', '{*}', 'whsec_test_current', false, ?, now() + interval '1 day',
                    now(), now())
                """, subscription, event);
        db.update(
                "insert into dead_letter (subscription_id, event_id, attempts, last_error, dead_at)"
                        + " values (?, ?, 15, 'HTTP 500', now())",
                subscription,
                event);
        return id;
    }

    private static String oldEnvelope(UUID id, Duration age) {
        Instant updated = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(age);
        return SignedWebhook.envelope(UUID.randomUUID(), "call.completed", id, "completed", updated)
                .replace("2026-11-28T10:00:00Z", updated.minusSeconds(120).toString())
                .replace("2026-11-28T10:00:02Z", updated.minusSeconds(118).toString());
    }

    private void storeTranscript(UUID id) {
        db.update(
                "insert into call_transcript (call_id, segments, fetched_at) values (?, cast(? as jsonb), now())",
                id,
                "[{\"sequence_no\": 1, \"role\": \"user\", \"text\": \"Yes, Tuesday still works.\"}]");
    }

    private void upstreamHas(CallSnapshot call) {
        CallingBoxWireMock.server()
                .stubFor(get(urlPathEqualTo("/v1/calls/" + call.id()))
                        .willReturn(okJson(UpstreamFixtures.json(json, call))));
    }

    private static int transcriptRequests(UUID id) {
        return CallingBoxWireMock.server()
                .findAll(getRequestedFor(urlPathEqualTo("/v1/calls/" + id + "/transcript")))
                .size();
    }

    private long rows(String table, UUID id) {
        return db.queryLong(ROWS_OF_A_CALL.get(table), id);
    }

    private String eventsText(UUID id) {
        return String.join(
                "\n",
                db.query(
                        "select cast(call as text) || cast(changes as text) from call_event where call_id = ?",
                        row -> row.getString(1),
                        id));
    }
}
