package io.callingboxgateway.upstream.poll;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.oneOf;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.callingboxgateway.reconcile.Reconciler;
import io.callingboxgateway.reconcile.Source;
import io.callingboxgateway.testing.CallingBoxWireMock;
import io.callingboxgateway.testing.Management;
import io.callingboxgateway.testing.Metrics;
import io.callingboxgateway.testing.PostgresResource;
import io.callingboxgateway.upstream.CallingBoxClient;
import io.callingboxgateway.upstream.UpstreamFixtures;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = CallingBoxWireMock.class, scope = TestResourceScope.GLOBAL)
class CallRefreshResourceTest {

    @Inject
    Reconciler reconciler;

    @Inject
    ObjectMapper json;

    @Inject
    CircuitBreakerMaintenance breakers;

    @Inject
    PollerMetrics pollerMetrics;

    Instant created;

    @BeforeEach
    void reset() {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
        CallingBoxWireMock.server().resetAll();
        breakers.reset(CallingBoxClient.BREAKER);
        created = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(600);
    }

    @Test
    void aRefreshReReadsTheCallNowAndTheStoreShowsIt() {
        UUID id = UUID.randomUUID();
        reconciler.apply(UpstreamFixtures.ringing(id, created), Source.WEBHOOK, UUID.randomUUID());
        CallingBoxWireMock.server()
                .stubFor(get(urlPathEqualTo("/v1/calls/" + id))
                        .willReturn(okJson(UpstreamFixtures.json(json, UpstreamFixtures.completed(id, created)))));

        given().post("/calls/{id}/refresh", id)
                .then()
                .statusCode(200)
                .body("call_id", equalTo(id.toString()))
                .body("outcome", equalTo("applied"))
                .body("status", equalTo("completed"));

        given().get("/calls/{id}", id)
                .then()
                .statusCode(200)
                .body("status", equalTo("completed"))
                .body("result_status", equalTo("completed"));
    }

    @Test
    void aRefreshedCallServesWhatCallingBoxSentEvenWhereItsShapeChanged() {
        UUID id = UUID.randomUUID();
        String sent = UpstreamFixtures.json(json, UpstreamFixtures.completed(id, created))
                .replaceFirst("\\{", "{\"sentiment\":{\"score\":0.8},")
                .replaceFirst("\"agent_id\":\"[^\"]*\"", "\"agent_id\":\"agt_x\"");
        CallingBoxWireMock.server()
                .stubFor(get(urlPathEqualTo("/v1/calls/" + id)).willReturn(okJson(sent)));

        given().post("/calls/{id}/refresh", id).then().statusCode(200).body("outcome", equalTo("created"));

        given().get("/calls/{id}", id)
                .then()
                .statusCode(200)
                .body("agent_id", equalTo("agt_x"))
                .body("sentiment.score", equalTo(0.8f))
                .body("status", equalTo("completed"));
    }

    @Test
    void aCallCallingBoxDoesNotKnowIs404() {
        UUID id = UUID.randomUUID();
        CallingBoxWireMock.server()
                .stubFor(get(urlPathMatching("/v1/calls/.*"))
                        .willReturn(aResponse().withStatus(404).withBody("{\"error\": \"call not found\"}")));

        given().post("/calls/{id}/refresh", id)
                .then()
                .statusCode(404)
                .contentType(startsWith("application/problem+json"))
                .body("status", equalTo(404))
                .body("detail", equalTo("CallingBox does not know call " + id));
    }

    @Test
    void anIdThatIsNotAUuidIs400AndCallingBoxIsNotAsked() {
        given().post("/calls/{id}/refresh", "not-a-call")
                .then()
                .statusCode(400)
                .contentType(startsWith("application/problem+json"))
                .body("parameter", equalTo("id"));

        CallingBoxWireMock.server().verify(0, getRequestedFor(urlPathMatching("/v1/calls/.*")));
    }

    @Test
    void anUnavailableUpstreamIs503() {
        CallingBoxWireMock.server()
                .stubFor(get(urlPathMatching("/v1/calls/.*"))
                        .willReturn(aResponse().withStatus(502)));

        given().post("/calls/{id}/refresh", UUID.randomUUID())
                .then()
                .statusCode(503)
                .contentType(startsWith("application/problem+json"))
                .body("type", equalTo("urn:callingbox-gateway:problem:upstream-unavailable"));
    }

    @Test
    void readinessIgnoresTheUpstreamWhileItsOwnGroupReportsTheOpenBreaker() {
        CallingBoxWireMock.server()
                .stubFor(get(urlPathMatching("/v1/calls/.*"))
                        .willReturn(aResponse().withStatus(500)));
        for (int i = 0; i < 2; i++) {
            given().post("/calls/{id}/refresh", UUID.randomUUID()).then().statusCode(503);
        }

        Management.health("/ready").then().statusCode(200).body("status", equalTo("UP"));
        Management.health("/group/upstream")
                .then()
                .statusCode(503)
                .body("checks[0].name", equalTo("callingbox"))
                .body("checks[0].data.circuit_breaker", oneOf("open", "half_open"))
                .body("checks[0].data.configured", equalTo(true));
    }

    @Test
    void metricsShowTheBreakerStateAndThePollerGauges() {
        long stuck = pollerMetrics.refreshStuck(Instant.now());
        Instant succeeded = Instant.now().minusSeconds(5);
        pollerMetrics.lastSuccess(succeeded);

        assertEquals(1.0, Metrics.value("callingbox_breaker_state{state=\"closed\"}"));
        assertEquals(0.0, Metrics.value("callingbox_breaker_state{state=\"open\"}"));
        assertEquals(stuck, Metrics.value("callingbox_calls_stuck"));
        double age = Metrics.value("callingbox_poll_last_success_age_seconds");
        double sinceRecorded = Duration.between(succeeded, Instant.now()).toMillis() / 1000.0;
        assertTrue(age >= 0 && age <= sinceRecorded, "seconds since the last successful poll: " + age);
    }

    @Test
    void theOpenApiDocumentSaysARefreshAnswers200WithWhatItDid() {
        String refresh = "paths.'/calls/{id}/refresh'.post.responses";
        Management.given()
                .queryParam("format", "json")
                .get("/q/openapi")
                .then()
                .statusCode(200)
                .body(refresh + ".keySet()", hasItems("200", "404", "429", "503"))
                .body(refresh + ".keySet()", not(hasItem("202")))
                .body(refresh + ".'200'.content.'application/json'.schema.$ref", endsWith("Refreshed"));
    }
}
