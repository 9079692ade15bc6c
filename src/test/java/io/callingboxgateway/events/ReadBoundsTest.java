package io.callingboxgateway.events;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callingboxgateway.testing.CallingBoxWireMock;
import io.callingboxgateway.testing.PostgresResource;
import io.callingboxgateway.testing.TestDatabase;
import io.callingboxgateway.upstream.CallingBoxClient;
import io.callingboxgateway.upstream.UpstreamFixtures;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Reads are bounded: streams per replica and in time, subscriptions in number, forced refreshes at once. */
@QuarkusTest
@TestProfile(ReadBoundsTest.SmallBounds.class)
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = CallingBoxWireMock.class, scope = TestResourceScope.GLOBAL)
class ReadBoundsTest {

    public static class SmallBounds implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "gateway.events.max-streams", "2",
                    "gateway.events.stream-max-lifetime", "6s",
                    "gateway.subscriptions.max", "3",
                    "gateway.refresh.max-concurrent", "1",
                    // a refresh held by a slow CallingBox must not end by its own timeout first
                    "callingbox.request-timeout", "10s");
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration A_WHILE = Duration.ofSeconds(20);

    @Inject
    TestDatabase db;

    @Inject
    ObjectMapper json;

    @Inject
    CircuitBreakerMaintenance breakers;

    @TestHTTPResource("/events/stream")
    URI stream;

    @BeforeEach
    void setUp() {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
        CallingBoxWireMock.server().resetAll();
        breakers.reset(CallingBoxClient.BREAKER);
    }

    @Test
    void aStreamBeyondTheCapIs429BeforeItStartsAndEachStreamEndsAfterItsLifetimeWithItsCursor() throws Exception {
        URI from = URI.create(stream + "?after=" + db.head());
        try (SseClient one = SseClient.open(from);
                SseClient two = SseClient.open(from)) {
            assertEquals(200, one.status);
            assertEquals(200, two.status);

            SseClient refused = SseClient.open(from);
            assertEquals(429, refused.status);
            assertTrue(refused.contentType.startsWith("application/problem+json"), refused.contentType);
            JsonNode problem = JSON.readTree(refused.errorBody);
            assertEquals(429, problem.get("status").asInt());
            assertTrue(problem.get("type").asText().endsWith("too-many-streams"), problem.toString());
            assertEquals("5", refused.retryAfter);

            // past its lifetime a stream ends on its own, telling the client where to go on from
            await().atMost(A_WHILE).until(() -> one.ended() && two.ended());
            SseClient.Message last = one.messages.get(one.messages.size() - 1);
            assertEquals("resume", last.event());
            JsonNode resume = JSON.readTree(last.data());
            assertEquals(last.id(), resume.get("after").asText());
            assertTrue(resume.get("reason").asText().contains("lifetime"), last.data());
        }
        // ... and gives its place back
        try (SseClient again = SseClient.open(from)) {
            assertEquals(200, again.status);
        }
    }

    @Test
    void subscriptionsBeyondTheCapAre409AndTheListIsPaged() {
        deleteAllSubscriptions();
        List<String> ids = List.of(subscribe(201), subscribe(201), subscribe(201));
        given().contentType("application/json")
                .body(Map.of("url", "http://127.0.0.1:9/hook"))
                .post("/subscriptions")
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:callingbox-gateway:problem:subscription-limit"))
                .body("detail", containsString("gateway.subscriptions.max = 3"));

        String next = given().queryParam("limit", 2)
                .get("/subscriptions")
                .then()
                .statusCode(200)
                .body("data.id", equalTo(ids.subList(0, 2)))
                .body("has_more", equalTo(true))
                .body("next_cursor", notNullValue())
                .extract()
                .path("next_cursor");
        given().queryParam("limit", 2)
                .queryParam("after", next)
                .get("/subscriptions")
                .then()
                .statusCode(200)
                .body("data.id", equalTo(ids.subList(2, 3)))
                .body("has_more", equalTo(false))
                .body("next_cursor", nullValue());
        given().get("/subscriptions").then().statusCode(200).body("data", hasSize(3));
        given().queryParam("after", "bogus").get("/subscriptions").then().statusCode(400);
        given().queryParam("limit", "0").get("/subscriptions").then().statusCode(400);

        given().delete("/subscriptions/{id}", ids.get(0)).then().statusCode(204);
        subscribe(201);
        deleteAllSubscriptions();
    }

    @Test
    void aRefreshBeyondTheBulkheadIs429WhileOneRuns() {
        UUID id = UUID.randomUUID();
        Instant created = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(600);
        CallingBoxWireMock.server()
                .stubFor(get(urlPathEqualTo("/v1/calls/" + id))
                        .willReturn(okJson(UpstreamFixtures.json(json, UpstreamFixtures.completed(id, created)))
                                .withFixedDelay(3000)));
        CompletableFuture<Integer> first = CompletableFuture.supplyAsync(
                () -> given().post("/calls/{id}/refresh", id).statusCode());
        await().atMost(A_WHILE)
                .until(() -> !CallingBoxWireMock.server()
                        .findAll(getRequestedFor(urlPathEqualTo("/v1/calls/" + id)))
                        .isEmpty());

        Response refused = given().post("/calls/{id}/refresh", id);
        assertEquals(429, refused.statusCode(), refused.asString());
        assertEquals("2", refused.header("Retry-After"));
        assertTrue(refused.contentType().startsWith("application/problem+json"));
        assertTrue(refused.jsonPath().getString("type").endsWith("too-many-refreshes"));

        assertEquals(200, first.join());
        given().post("/calls/{id}/refresh", id).then().statusCode(200);
    }

    @Test
    void aRefreshOfAnIdCallingBoxDoesNotKnowStoresNothing() throws Exception {
        UUID unknown = UUID.randomUUID();
        CallingBoxWireMock.server()
                .stubFor(get(urlPathEqualTo("/v1/calls/" + unknown))
                        .willReturn(aResponse().withStatus(404)));

        given().post("/calls/{id}/refresh", unknown).then().statusCode(404);

        assertEquals(0, rows("select count(*) from call_refresh where call_id = ?", unknown));
        assertEquals(0, rows("select count(*) from call where id = ?", unknown));
    }

    private long rows(String sql, UUID id) {
        return db.queryLong(sql, id);
    }

    private static String subscribe(int status) {
        return given().contentType("application/json")
                .body(Map.of("url", "http://127.0.0.1:9/hook"))
                .post("/subscriptions")
                .then()
                .statusCode(status)
                .extract()
                .path("id");
    }

    private static void deleteAllSubscriptions() {
        List<String> ids;
        do {
            ids = given().get("/subscriptions").then().statusCode(200).extract().path("data.id");
            ids.forEach(id -> given().delete("/subscriptions/{id}", id).then().statusCode(204));
        } while (!ids.isEmpty());
    }
}
