package io.callingboxgateway.privacy.erasure;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callingboxgateway.model.CallSnapshot;
import io.callingboxgateway.reconcile.Reconciler;
import io.callingboxgateway.reconcile.Source;
import io.callingboxgateway.subscriptions.SubscriptionApi;
import io.callingboxgateway.testing.CallingBoxWireMock;
import io.callingboxgateway.testing.PostgresResource;
import io.callingboxgateway.testing.Receiver;
import io.callingboxgateway.testing.SignedWebhook;
import io.callingboxgateway.testing.TestCall;
import io.callingboxgateway.testing.TestCredentials;
import io.callingboxgateway.testing.TestDatabase;
import io.callingboxgateway.transcripts.TranscriptFetcher;
import io.callingboxgateway.upstream.CallingBoxClient;
import io.callingboxgateway.upstream.UpstreamFixtures;
import io.callingboxgateway.upstream.poll.CallDiscovery;
import io.callingboxgateway.upstream.poll.PollerLease;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Erasure on request against the real store: every table that names a call counted before and after,
 * webhooks signed and posted, CallingBox faked over HTTP for polls and transcripts, pushes received by a
 * real HTTP subscriber.
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = CallingBoxWireMock.class, scope = TestResourceScope.GLOBAL)
class ErasureResourceTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final String PROBLEM = "application/problem+json";
    /** The number the webhook envelopes of SignedWebhook call. */
    private static final String ENVELOPE_NUMBER = "+15550100001";

    /** Rows per table that name one call (directly, or through its events). */
    private static final Map<String, String> TABLES = tables();

    @Inject
    Reconciler reconciler;

    @Inject
    TranscriptFetcher transcripts;

    @Inject
    CallDiscovery discovery;

    @Inject
    PollerLease lease;

    @Inject
    EntityManager em;

    @Inject
    ObjectMapper json;

    @Inject
    CircuitBreakerMaintenance breakers;

    @Inject
    TestDatabase db;

    @TestHTTPResource("/events/stream")
    URI stream;

    private final List<Receiver> receivers = new java.util.ArrayList<>();

    @BeforeEach
    void reset() {
        db.update("delete from subscription");
        UpstreamFixtures.emptyStore(em);
        CallingBoxWireMock.server().resetAll();
        breakers.reset(CallingBoxClient.BREAKER);
    }

    @AfterEach
    void cleanUp() {
        db.update("delete from subscription");
        receivers.forEach(Receiver::close);
    }

    @Test
    void aNumberIsErasedFromEveryTableAndOtherCallsAreUntouched() {
        String number = uniqueNumber();
        // a subscriber that is off: everything of the calls is still due to it
        SubscriptionApi.Subscribed off = SubscriptionApi.subscribe("http://127.0.0.1:9/off", List.of("*"));
        db.update("update subscription set enabled = false where id = ?::uuid", off.id());

        UUID called = endedByWebhook(UUID.randomUUID(), number);
        transcriptIs(called);
        assertEquals(1, transcripts.fetchDue(Instant.now()).stored());
        UUID calling = UUID.randomUUID();
        reconciler.apply(
                TestCall.noAnswer(calling.toString(), "2026-04-16T10:00:00Z")
                        .from(number)
                        .snapshot(),
                Source.POLL,
                null);
        UUID other = UUID.randomUUID();
        reconciler.apply(
                TestCall.completed(other.toString(), "2026-04-16T11:00:00Z").snapshot(), Source.POLL, null);
        db.update(
                "insert into webhook_redelivery (delivery_id, call_id, event_type, outcome, requested_at)"
                        + " values (gen_random_uuid(), ?::uuid, 'call.completed', 'requested', now())",
                called.toString());
        db.update("insert into call_refresh (call_id, next_refresh_at) values (?::uuid, now())", called.toString());
        awaitNumbered();
        // the subscriber had handled the first event, and dead-lettered it
        long first = db.queryLong("select min(id) from call_event where call_id = ?::uuid", called.toString());
        db.update("update subscription set position = ? where id = ?::uuid", first, off.id());
        db.update(
                "insert into dead_letter (subscription_id, event_id, attempts, last_error, dead_at)"
                        + " values (?::uuid, ?, 8, 'HTTP 500', now())",
                off.id(),
                first);

        Map<String, Long> before = rows(called, calling);
        Map<String, Long> untouched = rows(other);
        before.forEach((table, count) -> assertTrue(count > 0, table + " has rows of the erased calls to start with"));

        JsonPath answer =
                erase(Map.of("phone_number", number)).statusCode(200).extract().jsonPath();

        assertEquals(2, answer.getInt("calls"));
        assertEquals(before.get("call_event"), answer.getLong("events"));
        assertEquals(before.get("call_decision"), answer.getLong("decisions"));
        assertEquals(before.get("webhook_receipt") + before.get("webhook_redelivery"), answer.getLong("receipts"));
        assertEquals(1, answer.getInt("transcripts"));
        assertEquals(
                before.get("call_event") - 1 + before.get("dead_letter"),
                answer.getLong("deliveries"),
                "every event still due to the subscriber, and its dead letter");
        assertNotNull(answer.getString("id"));
        assertNotNull(answer.getString("completed_at"));

        Map<String, Long> after = rows(called, calling);
        after.forEach((table, count) ->
                assertEquals(table.equals("call_event") ? 2L : 0L, count, table + " after the erasure"));
        assertEquals(untouched, rows(other), "the other call keeps every row");
        given().get("/calls/{id}", called).then().statusCode(404);
        given().get("/calls/{id}", other).then().statusCode(200);
        assertEquals(
                2,
                db.queryLong(
                        "select count(*) from erased_call where call_id in (?::uuid, ?::uuid)",
                        called.toString(),
                        calling.toString()));

        await().atMost(PATIENCE)
                .untilAsserted(() -> given().queryParam("call_id", called)
                        .get("/events")
                        .then()
                        .statusCode(200)
                        .body("data.size()", equalTo(1))
                        .body("data[0].type", equalTo("call.erased"))
                        .body("data[0].call_id", equalTo(called.toString()))
                        .body("data[0].source", equalTo("erasure"))
                        .body("data[0].call", nullValue())
                        .body("data[0].changes", nullValue()));
        // A consumer that filters by the call's fields must still hear of the erasure, which has no call
        given().queryParam("call_id", called)
                .queryParam("status", "completed")
                .queryParam("metadata.team", "billing")
                .get("/events")
                .then()
                .statusCode(200)
                .body("data.type", equalTo(List.of("call.erased")));
    }

    @Test
    void aCallIsErasedByIdAndSubscribersAndReadersWithoutPersonalDataGetCallErased() {
        String number = uniqueNumber();
        Receiver masked = receiver();
        Receiver whole = receiver();
        SubscriptionApi.subscribe(masked.url(), List.of("call.erased"));
        SubscriptionApi.subscribeWithPersonalData(whole.url(), List.of("call.erased", "call.created"));
        UUID erased = UUID.randomUUID();
        UUID kept = UUID.randomUUID();
        for (UUID id : List.of(erased, kept)) {
            reconciler.apply(
                    TestCall.noAnswer(id.toString(), "2026-04-16T10:00:00Z")
                            .to(number)
                            .snapshot(),
                    Source.WEBHOOK,
                    null);
        }
        awaitNumbered();
        Map<String, Long> keptBefore = rows(kept);

        erase(Map.of("call_id", erased.toString()))
                .statusCode(200)
                .body("kind", equalTo("call_id"))
                .body("call_id", equalTo(erased.toString()))
                .body("number_hash", nullValue())
                .body("calls", equalTo(1));

        assertEquals(keptBefore, rows(kept), "the other call of the same number is untouched");
        for (Receiver receiver : List.of(masked, whole)) {
            Receiver.Push push = await().atMost(PATIENCE)
                    .until(
                            () -> receiver.acknowledgedAbout(List.of(erased)).stream()
                                    .filter(p -> p.type().equals("call.erased"))
                                    .findFirst(),
                            java.util.Optional::isPresent)
                    .orElseThrow();
            assertTrue(push.event().get("call").isNull(), "no call in the push: " + push.event());
            assertTrue(push.event().get("changes").isNull());
            assertFalse(new String(push.body()).contains(number.substring(2)), "no number in the push");
        }

        String reader = TestCredentials.issue("erasure-events-reader", "events:read");
        TestCredentials.bearer(reader)
                .queryParam("call_id", erased)
                .get("/events")
                .then()
                .statusCode(200)
                .body("data.size()", equalTo(1))
                .body("data[0].type", equalTo("call.erased"))
                .body("data[0].call", nullValue());
        TestCredentials.bearer(reader)
                .queryParam("type", "call.erased")
                .get("/events")
                .then()
                .statusCode(200);
    }

    @Test
    void aStreamOpenedAfterTheErasureIsNotServedTheCallsEventsFromMemory() throws Exception {
        long before = db.head();
        UUID erased = UUID.randomUUID();
        try (EventLines warm = EventLines.open(URI.create(stream + "?after=" + before))) {
            reconciler.apply(
                    TestCall.ringing(erased.toString(), "2026-04-16T10:00:00Z").snapshot(), Source.POLL, null);
            // the replica's stream window now holds the call's events
            await().atMost(PATIENCE).until(() -> !warm.about(erased).isEmpty());
        }

        erase(Map.of("call_id", erased.toString())).statusCode(200).body("calls", equalTo(1));

        try (EventLines late = EventLines.open(URI.create(stream + "?after=" + before))) {
            await().atMost(PATIENCE).until(() -> late.about(erased).contains("call.erased"));
            assertEquals(List.of("call.erased"), late.about(erased), "only call.erased, nothing from before it");
        }
    }

    @Test
    void theAuditRecordKeepsNoNumberAndRecognisesARepeatedRequest() {
        String number = uniqueNumber();
        JsonPath first = erase(Map.of("phone_number", number))
                .statusCode(200)
                .body("kind", equalTo("phone_number"))
                .body("number_hash", matchesPattern("[0-9a-f]{64}"))
                .body("call_id", nullValue())
                .body("repeat_of", nullValue())
                .body("requested_by", equalTo("admin-key"))
                .body("calls", equalTo(0))
                .body("events", equalTo(0))
                .body("deliveries", equalTo(0))
                .extract()
                .jsonPath();
        JsonPath repeated = erase(Map.of("phone_number", number))
                .statusCode(200)
                .body("repeat_of", equalTo(first.getString("id")))
                .body("number_hash", equalTo(first.getString("number_hash")))
                .extract()
                .jsonPath();
        JsonPath otherNumber = erase(Map.of("phone_number", uniqueNumber()))
                .statusCode(200)
                .body("repeat_of", nullValue())
                .extract()
                .jsonPath();
        assertNotEquals(first.getString("number_hash"), otherNumber.getString("number_hash"));

        String page = given().queryParam("limit", 2)
                .get("/erasures")
                .then()
                .statusCode(200)
                .body("data[0].id", equalTo(otherNumber.getString("id")))
                .body("data[1].id", equalTo(repeated.getString("id")))
                .body("has_more", equalTo(true))
                .extract()
                .asString();
        String next = JsonPath.from(page).getString("next_cursor");
        given().queryParam("limit", 1)
                .queryParam("after", next)
                .get("/erasures")
                .then()
                .statusCode(200)
                .body("data[0].id", equalTo(first.getString("id")))
                .body("data[0].requested_at", equalTo(first.getString("requested_at")));

        String digits = number.substring(1);
        assertFalse(page.contains(digits), "no number in the list");
        assertEquals(
                0,
                db.queryLong("select count(*) from erasure e where e::text like ?", "%" + digits + "%"),
                "no number in the audit table");
        assertEquals(
                3,
                db.queryLong(
                        "select count(*) from erasure where completed_at >= requested_at and id in (?::uuid,"
                                + " ?::uuid, ?::uuid)",
                        first.getString("id"),
                        repeated.getString("id"),
                        otherNumber.getString("id")));
    }

    @Test
    void aCallBroughtBackByAWebhookIsStoredRedactedAndItsTranscriptNeverFetched() {
        UUID id = UUID.randomUUID();
        String webhook = completedEnvelope(UUID.randomUUID(), id);
        SignedWebhook.post(webhook).statusCode(200);
        assertEquals(1, fetchRows(id), "a call that ended with a conversation is scheduled for its transcript");

        erase(Map.of("call_id", id.toString())).statusCode(200).body("calls", equalTo(1));
        assertEquals(0, fetchRows(id));

        // CallingBox redelivers the same webhook: its receipt was erased too, so it is applied again
        SignedWebhook.post(webhook).statusCode(200);

        assertBroughtBackRedacted(id);
        given().get("/calls/{id}", id)
                .then()
                .statusCode(200)
                .body("to_number", equalTo("+1\u2022\u2022\u2022\u2022\u2022\u2022\u20220001"))
                .body("instructions", nullValue())
                .body("metadata", nullValue());

        // erased again: the call and its new history go, and one call.erased stands for it
        erase(Map.of("call_id", id.toString()))
                .statusCode(200)
                .body("calls", equalTo(1))
                .body("repeat_of", matchesPattern("[0-9a-f-]{36}"));
        assertEquals(0, db.queryLong("select count(*) from call where id = ?::uuid", id.toString()));
        assertEquals(
                List.of("call.erased"),
                db.query(
                        "select type from call_event where call_id = ?::uuid", row -> row.getString(1), id.toString()));
    }

    @Test
    void aCallBroughtBackByAPollIsStoredRedactedAndItsTranscriptNeverFetched() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        CallSnapshot call = UpstreamFixtures.completed(UUID.randomUUID(), now.minus(Duration.ofHours(1)));
        reconciler.apply(call, Source.POLL, null);
        assertEquals(1, fetchRows(call.id()));

        erase(Map.of("call_id", call.id().toString())).statusCode(200).body("calls", equalTo(1));

        lease.tryAcquire("replica-erasure-test", Duration.ofMinutes(2));
        CallingBoxWireMock.server()
                .stubFor(get(urlPathEqualTo("/v1/calls"))
                        .willReturn(okJson(UpstreamFixtures.json(json, List.of(call)))));
        // The client's timeout is short in tests (1s): on a loaded machine a scan may time out, and the
        // next one is what the poller would run.
        await().atMost(PATIENCE).ignoreExceptions().until(() -> {
            breakers.reset(CallingBoxClient.BREAKER);
            discovery.discover("replica-erasure-test", now, () -> true);
            return db.queryLong(
                            "select count(*) from call where id = ?::uuid",
                            call.id().toString())
                    == 1;
        });

        assertBroughtBackRedacted(call.id());
    }

    @Test
    void badInputIsRefusedNamingTheFieldAndChangesNothing() {
        UUID id = UUID.randomUUID();
        reconciler.apply(
                TestCall.noAnswer(id.toString(), "2026-04-16T10:00:00Z")
                        .to(ENVELOPE_NUMBER)
                        .snapshot(),
                Source.POLL,
                null);
        long erasures = db.queryLong("select count(*) from erasure");
        Map<String, Long> before = rows(id);

        refused("{\"phone_number\": \"5550100001\"}", "phone_number");
        refused("{\"phone_number\": \"+1 555 010 0001\"}", "phone_number");
        refused("{\"phone_number\": 15550100001}", "phone_number");
        refused("{\"phone_number\": \"+0123\"}", "phone_number");
        refused("{\"call_id\": \"not-a-uuid\"}", "call_id");
        refused("{\"call_id\": 42}", "call_id");
        refused("{\"phone_number\": \"" + ENVELOPE_NUMBER + "\", \"call_id\": \"" + id + "\"}", "call_id");
        refused("{}", "body");
        refused("[]", "body");
        refused("{\"phone_number\": \"" + ENVELOPE_NUMBER + "\", \"number\": \"x\"}", "number");
        given().contentType("application/json")
                .body("{\"phone_number\": ")
                .post("/erasures")
                .then()
                .statusCode(400)
                .contentType(PROBLEM);
        given().queryParam("after", "-1")
                .get("/erasures")
                .then()
                .statusCode(400)
                .body("parameter", equalTo("after"));
        given().queryParam("limit", "0").get("/erasures").then().statusCode(400).body("parameter", equalTo("limit"));

        assertEquals(erasures, db.queryLong("select count(*) from erasure"), "no audit record");
        assertEquals(before, rows(id), "the store is unchanged");
    }

    @Test
    void onlyAdminMayEraseOrReadTheAudit() {
        String reader = TestCredentials.issue("erasure-pii-reader", "calls:read", "events:read", "pii:read");
        TestCredentials.bearer(reader)
                .contentType("application/json")
                .body(Map.of("phone_number", ENVELOPE_NUMBER))
                .post("/erasures")
                .then()
                .statusCode(403)
                .contentType(PROBLEM);
        TestCredentials.bearer(reader).get("/erasures").then().statusCode(403);
        TestCredentials.anonymous()
                .contentType("application/json")
                .body(Map.of("phone_number", ENVELOPE_NUMBER))
                .post("/erasures")
                .then()
                .statusCode(401);
    }

    private void assertBroughtBackRedacted(UUID id) {
        assertEquals(
                1,
                db.queryLong(
                        "select count(*) from call where id = ?::uuid and redacted_at is not null"
                                + " and to_number like '%\u2022%' and from_number like '%\u2022%'",
                        id.toString()),
                "stored again, with its numbers masked");
        assertEquals(
                0,
                db.queryLong(
                        "select count(*) from call where id = ?::uuid and (prompt is not null or instructions is not null"
                                + " or context is not null or result is not null or metadata is not null or raw is not null)",
                        id.toString()),
                "without its content");
        assertEquals(0, fetchRows(id), "not scheduled for a transcript");
        transcriptIs(id);
        assertEquals(
                0, transcripts.fetchDue(Instant.now().plus(Duration.ofDays(1))).stored());
        assertEquals(
                0,
                CallingBoxWireMock.server()
                        .findAll(getRequestedFor(urlPathEqualTo("/v1/calls/" + id + "/transcript")))
                        .size(),
                "CallingBox is never asked for its transcript");
    }

    private void refused(String body, String parameter) {
        given().contentType("application/json")
                .body(body)
                .post("/erasures")
                .then()
                .log()
                .ifValidationFails()
                .statusCode(400)
                .contentType(PROBLEM)
                .body("parameter", equalTo(parameter));
    }

    private static ValidatableResponse erase(Map<String, String> body) {
        return given().contentType("application/json")
                .body(body)
                .post("/erasures")
                .then()
                .log()
                .ifValidationFails();
    }

    private UUID endedByWebhook(UUID id, String number) {
        SignedWebhook.post(completedEnvelope(UUID.randomUUID(), id).replace(ENVELOPE_NUMBER, number))
                .statusCode(200);
        return id;
    }

    /** A webhook of a call that ended with a conversation, to ENVELOPE_NUMBER. */
    private static String completedEnvelope(UUID eventId, UUID callId) {
        return SignedWebhook.envelope(
                        eventId, "call.completed", callId, "completed", Instant.parse("2026-11-28T10:02:00Z"))
                .replace("\"answered_at\": null", "\"answered_at\": \"2026-11-28T10:00:09Z\"");
    }

    private static void transcriptIs(UUID id) {
        CallingBoxWireMock.server()
                .stubFor(get(urlPathEqualTo("/v1/calls/" + id + "/transcript"))
                        .willReturn(okJson("{\"call_id\": \"" + id + "\", \"segments\": [{\"sequence_no\": 1,"
                                + " \"role\": \"agent\", \"text\": \"Hello\", \"started_at\": \"2026-11-28T10:00:10Z\","
                                + " \"ended_at\": \"2026-11-28T10:00:11Z\", \"duration_ms\": 1000,"
                                + " \"source\": \"tts\"}]}")));
    }

    private long fetchRows(UUID id) {
        return db.queryLong("select count(*) from call_transcript_fetch where call_id = ?::uuid", id.toString());
    }

    private void awaitNumbered() {
        await().atMost(PATIENCE).until(() -> db.queryLong("select count(*) from call_event where id is null") == 0);
    }

    private Receiver receiver() {
        Receiver receiver = Receiver.start();
        receivers.add(receiver);
        return receiver;
    }

    /** Rows naming these calls, per table. */
    private Map<String, Long> rows(UUID... ids) {
        Map<String, Long> rows = new LinkedHashMap<>();
        TABLES.forEach((table, where) -> {
            long count = 0;
            for (UUID id : ids) {
                count += db.queryLong("select count(*) from " + table + " where " + where, id.toString());
            }
            rows.put(table, count);
        });
        return rows;
    }

    private static Map<String, String> tables() {
        Map<String, String> tables = new LinkedHashMap<>();
        tables.put("call", "id = ?::uuid");
        tables.put("call_event", "call_id = ?::uuid");
        tables.put("call_decision", "call_id = ?::uuid");
        tables.put("webhook_receipt", "call_id = ?::uuid");
        tables.put("webhook_redelivery", "call_id = ?::uuid");
        tables.put("call_refresh", "call_id = ?::uuid");
        tables.put("call_transcript", "call_id = ?::uuid");
        tables.put("call_transcript_fetch", "call_id = ?::uuid");
        tables.put("dead_letter", "event_id in (select id from call_event where call_id = ?::uuid)");
        return tables;
    }

    /** A number no other test uses, so counts and hashes are this test's own. */
    private static String uniqueNumber() {
        return "+1555" + String.format("%07d", (long) (Math.random() * 10_000_000));
    }

    /** A Server-Sent Events stream read on a daemon thread: the type of every event, by call. */
    private static final class EventLines implements AutoCloseable {

        private static final HttpClient HTTP =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        private static final ObjectMapper JSON = new ObjectMapper();

        private final List<JsonNode> events = new CopyOnWriteArrayList<>();
        private final InputStream body;

        private EventLines(InputStream body) {
            this.body = body;
            Thread reader = new Thread(this::read, "erasure-test-stream");
            reader.setDaemon(true);
            reader.start();
        }

        static EventLines open(URI uri) throws Exception {
            HttpResponse<InputStream> response = HTTP.send(
                    HttpRequest.newBuilder(uri)
                            .header("Accept", "text/event-stream")
                            .header("Authorization", TestCredentials.AUTHORIZATION)
                            .build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, response.statusCode());
            return new EventLines(response.body());
        }

        List<String> about(UUID call) {
            return events.stream()
                    .filter(event ->
                            call.toString().equals(event.path("call_id").asText()))
                    .map(event -> event.path("type").asText())
                    .toList();
        }

        private void read() {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    if (line.startsWith("data:")) {
                        events.add(JSON.readTree(line.substring(5).strip()));
                    }
                }
            } catch (IOException e) {
                // closed by the test
            }
        }

        @Override
        public void close() throws IOException {
            body.close();
        }
    }
}
