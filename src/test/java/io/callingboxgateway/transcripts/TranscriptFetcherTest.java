package io.callingboxgateway.transcripts;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.callingboxgateway.reconcile.Reconciler;
import io.callingboxgateway.reconcile.Source;
import io.callingboxgateway.testing.CallingBoxWireMock;
import io.callingboxgateway.testing.PostgresResource;
import io.callingboxgateway.testing.SignedWebhook;
import io.callingboxgateway.testing.TestCall;
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
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Transcripts fetched from a CallingBox faked over HTTP, with the fetch clock moved by the test. */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = CallingBoxWireMock.class, scope = TestResourceScope.GLOBAL)
class TranscriptFetcherTest {

    static final String SEGMENTS = """
            [{"sequence_no": 1, "role": "agent", "text": "Hi, this is the clinic calling about Tuesday.",
              "started_at": "2026-04-16T10:00:03Z", "ended_at": "2026-04-16T10:00:06Z",
              "duration_ms": 3000, "source": "tts"},
             {"sequence_no": 2, "role": "user", "text": "Yes, Tuesday still works.",
              "started_at": "2026-04-16T10:00:07Z", "ended_at": "2026-04-16T10:00:09Z",
              "duration_ms": 2000, "source": "stt"}]""";

    @Inject
    TranscriptFetcher fetcher;

    @Inject
    Reconciler reconciler;

    @Inject
    EntityManager em;

    @Inject
    CircuitBreakerMaintenance breakers;

    @BeforeEach
    void reset() {
        UpstreamFixtures.emptyStore(em);
        CallingBoxWireMock.server().resetAll();
        breakers.reset(CallingBoxClient.BREAKER);
    }

    @Test
    void aCallThatEndsWithAConversationHasItsTranscriptFetchedStoredAndAnnounced() {
        UUID id = endWithConversation(Source.WEBHOOK);
        transcriptIs(id, okJson(transcript(id, SEGMENTS)));

        assertEquals(new TranscriptFetcher.Report(1, 0, 0, 0), fetcher.fetchDue(Instant.now()));
        int asked = requests(id);
        assertEquals(nothing(), fetcher.fetchDue(Instant.now().plus(Duration.ofDays(1))), "fetched once only");
        assertEquals(asked, requests(id), "CallingBox is not asked again once the transcript is stored");

        given().get("/calls/{id}/transcript", id)
                .then()
                .statusCode(200)
                .body("call_id", equalTo(id.toString()))
                .body("segments.size()", equalTo(2))
                .body("segments[1].text", equalTo("Yes, Tuesday still works."))
                .body("segments[1].duration_ms", equalTo(2000))
                .body("segments[0].source", equalTo("tts"));
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> given().queryParam("call_id", id)
                        .queryParam("type", "call.transcript_ready")
                        .get("/events")
                        .then()
                        .statusCode(200)
                        .body("data.size()", equalTo(1))
                        .body("data[0].call.id", equalTo(id.toString()))
                        .body("data[0].call.status", equalTo("completed")));
    }

    @Test
    void whileCallingBoxHasNoneYetTheFetchIsRetriedWithBackoffAndStoredOnceThereIsOne() {
        UUID id = endWithConversation(Source.POLL);
        transcriptIs(id, aResponse().withStatus(404).withBody("{\"error\": \"transcript not found\"}"));
        Instant t0 = Instant.now();

        assertEquals(new TranscriptFetcher.Report(0, 1, 0, 0), fetcher.fetchDue(t0));
        transcriptIs(id, okJson(transcript(id, "[]")));
        assertEquals(nothing(), fetcher.fetchDue(t0.plusSeconds(59)), "not before the retry delay (1m)");
        assertEquals(new TranscriptFetcher.Report(0, 1, 0, 0), fetcher.fetchDue(t0.plusSeconds(61)));
        transcriptIs(id, okJson(transcript(id, SEGMENTS)));
        assertEquals(nothing(), fetcher.fetchDue(t0.plusSeconds(61 + 119)), "the delay doubled (2m)");
        assertEquals(new TranscriptFetcher.Report(1, 0, 0, 0), fetcher.fetchDue(t0.plusSeconds(61 + 121)));

        given().get("/calls/{id}/transcript", id).then().statusCode(200).body("segments.size()", equalTo(2));
    }

    @Test
    void afterTheLastTryTheFetchIsGivenUp() {
        UUID id = endWithConversation(Source.POLL);
        transcriptIs(id, aResponse().withStatus(404).withBody("{\"error\": \"transcript not found\"}"));
        Instant at = Instant.now();

        for (int attempt = 1; attempt < 6; attempt++) {
            assertEquals(new TranscriptFetcher.Report(0, 1, 0, 0), fetcher.fetchDue(at), "try " + attempt);
            at = at.plus(fetcher.delayAfter(attempt)).plusSeconds(1);
        }
        assertEquals(new TranscriptFetcher.Report(0, 0, 1, 0), fetcher.fetchDue(at), "the 6th try gives up");
        int asked = requests(id);
        assertEquals(nothing(), fetcher.fetchDue(at.plus(Duration.ofDays(30))));

        assertEquals(asked, requests(id), "never asked again");
        given().get("/calls/{id}/transcript", id).then().statusCode(404);
        assertEquals(
                1L,
                QuarkusTransaction.requiringNew()
                        .call(() -> em.createNativeQuery(
                                        "select count(*) from call_transcript_fetch where call_id = :id"
                                                + " and gave_up_at is not null and next_attempt_at is null")
                                .setParameter("id", id)
                                .getSingleResult()),
                "recorded as given up");
    }

    @Test
    void aFetchThatFailsIsTriedAgainLater() {
        UUID id = endWithConversation(Source.POLL);
        transcriptIs(id, aResponse().withStatus(503).withBody("{\"error\": \"maintenance\"}"));
        Instant t0 = Instant.now();

        assertEquals(new TranscriptFetcher.Report(0, 0, 0, 1), fetcher.fetchDue(t0));
        transcriptIs(id, okJson(transcript(id, SEGMENTS)));
        assertEquals(nothing(), fetcher.fetchDue(t0.plusSeconds(59)), "not before the retry delay");
        assertEquals(new TranscriptFetcher.Report(1, 0, 0, 0), fetcher.fetchDue(t0.plusSeconds(61)));
    }

    @Test
    void aCallEndedByCallingBoxsWebhookIsFetchedToo() {
        UUID id = UUID.randomUUID();
        String completed = SignedWebhook.envelope(
                        UUID.randomUUID(), "call.completed", id, "completed", Instant.parse("2026-11-28T10:02:00Z"))
                .replace("\"answered_at\": null", "\"answered_at\": \"2026-11-28T10:00:09Z\"");
        SignedWebhook.post(completed).statusCode(200);
        transcriptIs(id, okJson(transcript(id, SEGMENTS)));

        assertEquals(new TranscriptFetcher.Report(1, 0, 0, 0), fetcher.fetchDue(Instant.now()));
        given().get("/calls/{id}/transcript", id).then().statusCode(200).body("segments.size()", equalTo(2));
    }

    @Test
    void callsThatEndWithoutAConversationAreNotFetched() {
        for (TestCall call : List.of(
                TestCall.noAnswer(UUID.randomUUID().toString(), "2026-04-16T10:00:00Z"),
                TestCall.busy(UUID.randomUUID().toString(), "2026-04-16T10:00:00Z"),
                TestCall.inProgress(UUID.randomUUID().toString(), "2026-04-16T10:00:00Z"))) {
            reconciler.apply(call.snapshot(), Source.POLL, null);
        }

        assertEquals(nothing(), fetcher.fetchDue(Instant.now().plus(Duration.ofDays(1))));
        assertEquals(0, CallingBoxWireMock.server().getAllServeEvents().size());
    }

    private static TranscriptFetcher.Report nothing() {
        return new TranscriptFetcher.Report(0, 0, 0, 0);
    }

    private UUID endWithConversation(Source source) {
        TestCall call = TestCall.completed(UUID.randomUUID().toString(), "2026-04-16T10:00:00Z");
        reconciler.apply(call.snapshot(), source, null);
        return call.id();
    }

    static String transcript(UUID id, String segments) {
        return "{\"call_id\": \"" + id + "\", \"segments\": " + segments + "}";
    }

    static void transcriptIs(UUID id, com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder answer) {
        CallingBoxWireMock.server()
                .stubFor(get(urlPathEqualTo("/v1/calls/" + id + "/transcript")).willReturn(answer));
    }

    static int requests(UUID id) {
        return CallingBoxWireMock.server()
                .findAll(getRequestedFor(urlPathEqualTo("/v1/calls/" + id + "/transcript")))
                .size();
    }
}
