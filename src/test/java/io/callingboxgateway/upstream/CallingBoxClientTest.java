package io.callingboxgateway.upstream;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.callingboxgateway.model.CallSnapshot;
import io.callingboxgateway.testing.CallingBoxWireMock;
import io.callingboxgateway.testing.Metrics;
import io.callingboxgateway.testing.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = CallingBoxWireMock.class, scope = TestResourceScope.GLOBAL)
class CallingBoxClientTest {

    static final Instant CREATED = Instant.parse("2026-11-28T10:00:00Z");

    @Inject
    CallingBoxClient client;

    @Inject
    CircuitBreakerMaintenance breakers;

    @Inject
    ObjectMapper json;

    WireMockServer callingBox;
    UUID id;
    String path;

    @BeforeEach
    void reset() {
        callingBox = CallingBoxWireMock.server();
        callingBox.resetAll();
        breakers.reset(CallingBoxClient.BREAKER);
        id = UUID.randomUUID();
        path = "/v1/calls/" + id;
    }

    @Test
    void readsACallWithTheBearerKey() {
        callingBox.stubFor(get(urlPathEqualTo(path)).willReturn(okJson(callJson())));

        Optional<CallSnapshot> call = client.call(id);

        assertEquals("in_progress", call.orElseThrow().status());
        assertEquals(CREATED, call.get().createdAt());
        callingBox.verify(getRequestedFor(urlPathEqualTo(path))
                .withHeader("Authorization", equalTo("Bearer " + CallingBoxWireMock.API_KEY)));
    }

    @Test
    void aCallWithFieldsCallingBoxAddedLaterIsStillRead() {
        String withNewFields =
                callJson().replaceFirst("\\{", "{\"sentiment\": {\"score\": 0.8}, \"voicemail\": false, ");
        callingBox.stubFor(get(urlPathEqualTo(path)).willReturn(okJson(withNewFields)));

        Optional<CallSnapshot> call = client.call(id);

        assertEquals("in_progress", call.orElseThrow().status());
    }

    @Test
    void a500IsRetriedThenFailsCleanly() {
        callingBox.stubFor(get(urlPathEqualTo(path))
                .willReturn(aResponse().withStatus(500).withBody("{\"error\": \"database unavailable\"}")));
        double errorsBefore = errors("server_error");

        UpstreamException e = assertThrows(UpstreamException.class, () -> client.call(id));

        assertEquals(UpstreamException.Kind.SERVER_ERROR, e.kind());
        assertTrue(e.getMessage().contains("database unavailable"), e.getMessage());
        assertEquals(
                3, callingBox.findAll(getRequestedFor(urlPathEqualTo(path))).size(), "1 attempt + 2 retries");
        assertEquals(errorsBefore + 1, errors("server_error"));
    }

    @Test
    void aSlowAnswerTimesOutAndIsRetried() {
        callingBox.stubFor(
                get(urlPathEqualTo(path)).willReturn(okJson(callJson()).withFixedDelay(3000)));

        UpstreamException e = assertThrows(UpstreamException.class, () -> client.call(id));

        assertEquals(UpstreamException.Kind.TIMEOUT, e.kind());
        await().atMost(Duration.ofSeconds(5))
                .until(() -> callingBox
                                .findAll(getRequestedFor(urlPathEqualTo(path)))
                                .size()
                        == 3);
    }

    @Test
    void a429WaitsForRetryAfterThenSucceeds() {
        callingBox.stubFor(get(urlPathEqualTo(path))
                .inScenario("rate limited")
                .whenScenarioStateIs(STARTED)
                .willReturn(aResponse()
                        .withStatus(429)
                        .withHeader("Retry-After", "1")
                        .withBody("{\"error\": \"rate limit exceeded\"}"))
                .willSetStateTo("calm"));
        callingBox.stubFor(get(urlPathEqualTo(path))
                .inScenario("rate limited")
                .whenScenarioStateIs("calm")
                .willReturn(okJson(callJson())));
        double retriesBefore = Metrics.value("callingbox_upstream_retries_total");

        assertTrue(client.call(id).isPresent());

        List<LoggedRequest> requests = callingBox.findAll(getRequestedFor(urlPathEqualTo(path)));
        assertEquals(2, requests.size());
        assertEquals(retriesBefore + 1, Metrics.value("callingbox_upstream_retries_total"));
        long waitedMillis = requests.get(1).getLoggedDate().getTime()
                - requests.get(0).getLoggedDate().getTime();
        assertTrue(waitedMillis >= 950, "the retry came " + waitedMillis + " ms after the 429, not after Retry-After");
    }

    @Test
    void a429AskingForTooLongAWaitIsNotRetried() {
        callingBox.stubFor(
                get(urlPathEqualTo(path)).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "3600")));

        UpstreamException e = assertThrows(UpstreamException.class, () -> client.call(id));

        assertEquals(UpstreamException.Kind.RATE_LIMITED, e.kind());
        assertEquals(Duration.ofHours(1), e.retryAfter());
        assertEquals(
                1, callingBox.findAll(getRequestedFor(urlPathEqualTo(path))).size());
    }

    @Test
    void anotherClientErrorIsNeitherRetriedNorHeldAgainstCallingBox() {
        callingBox.stubFor(get(urlPathEqualTo(path))
                .willReturn(aResponse().withStatus(401).withBody("{\"error\": \"invalid api key\"}")));

        for (int i = 0; i < 6; i++) {
            UpstreamException e = assertThrows(UpstreamException.class, () -> client.call(id));
            assertEquals(UpstreamException.Kind.CLIENT_ERROR, e.kind());
            assertEquals(401, e.status());
        }

        assertEquals(
                6, callingBox.findAll(getRequestedFor(urlPathEqualTo(path))).size());
        assertEquals(CircuitBreakerState.CLOSED, client.breakerState());
    }

    @Test
    void a404MeansAbsentAndNeverOpensTheBreaker() {
        callingBox.stubFor(get(urlPathEqualTo(path))
                .willReturn(aResponse().withStatus(404).withBody("{\"error\": \"call not found\"}")));

        for (int i = 0; i < 10; i++) {
            assertEquals(Optional.empty(), client.call(id));
        }

        assertEquals(
                10, callingBox.findAll(getRequestedFor(urlPathEqualTo(path))).size(), "no retries");
        assertEquals(CircuitBreakerState.CLOSED, client.breakerState());
    }

    @Test
    void theBreakerOpensAfterRepeatedFailuresAndClosesAfterItsDelay() {
        callingBox.stubFor(get(urlPathEqualTo(path)).willReturn(aResponse().withStatus(503)));
        assertThrows(UpstreamException.class, () -> client.call(id));
        assertThrows(UpstreamException.class, () -> client.call(id));
        assertEquals(CircuitBreakerState.OPEN, client.breakerState());
        int requestsWhenOpened = callingBox.getAllServeEvents().size();

        UpstreamException refused = assertThrows(UpstreamException.class, () -> client.call(id));

        assertEquals(UpstreamException.Kind.CIRCUIT_OPEN, refused.kind());
        assertEquals(requestsWhenOpened, callingBox.getAllServeEvents().size(), "an open breaker sends nothing");

        callingBox.resetAll();
        callingBox.stubFor(get(urlPathEqualTo(path)).willReturn(okJson(callJson())));
        await().atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(50))
                .ignoreException(UpstreamException.class)
                .until(() -> client.call(id).isPresent());
        assertEquals(CircuitBreakerState.CLOSED, client.breakerState());
    }

    @Test
    void listsExhaustedDeliveriesAndRedeliversOne() {
        UUID delivery = UUID.randomUUID();
        callingBox.stubFor(get(urlPathEqualTo("/v1/webhook_deliveries"))
                .withQueryParam("status", equalTo("exhausted"))
                .withQueryParam("limit", equalTo("200"))
                .willReturn(okJson("{\"data\": [{\"id\": \"" + delivery + "\", \"call_id\": \"" + id
                        + "\", \"event_type\": \"call.completed\", \"status\": \"exhausted\", \"attempt_count\": 8,"
                        + " \"a_field_added_later\": 1}], \"has_more\": false}")));
        callingBox.stubFor(post(urlPathEqualTo("/v1/webhook_deliveries/" + delivery + "/redeliver"))
                .willReturn(okJson("{\"id\": \"" + delivery + "\", \"status\": \"pending\"}")));

        List<WebhookDelivery> exhausted = client.exhaustedDeliveries(Optional.empty(), 500);

        assertEquals(1, exhausted.size());
        assertEquals(id, exhausted.get(0).callId());
        assertEquals(8, exhausted.get(0).attemptCount());
        assertTrue(client.redeliver(delivery));
        assertFalse(client.redeliver(UUID.randomUUID()), "404: CallingBox no longer knows that delivery");
        callingBox.verify(postRequestedFor(urlPathEqualTo("/v1/webhook_deliveries/" + delivery + "/redeliver")));
    }

    private double errors(String kind) {
        return Metrics.value("callingbox_upstream_errors_total{kind=\"" + kind + "\"}");
    }

    private String callJson() {
        return UpstreamFixtures.json(json, UpstreamFixtures.inProgress(id, CREATED));
    }
}
