package io.callingboxgateway.database;

import static io.callingboxgateway.testing.SignedWebhook.CURRENT_SECRET;
import static io.callingboxgateway.testing.SignedWebhook.envelope;
import static io.callingboxgateway.testing.SignedWebhook.now;
import static io.callingboxgateway.testing.SignedWebhook.signature;
import static io.restassured.RestAssured.given;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callingboxgateway.testing.PostgresResource;
import io.callingboxgateway.testing.SignedWebhook;
import io.callingboxgateway.testing.TcpProxy;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.config.HttpClientConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.response.ValidatableResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A stalled database costs a request seconds and a 503 with Retry-After, never a hang: a table lock held
 * by someone else, a connection that went silent. A session that holds the event counter row delays
 * only the feed.
 */
@QuarkusTest
@TestProfile(DatabaseStallTest.ShortDatabaseTimeouts.class)
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class DatabaseStallTest {

    /** Far below "hours", far above the limits under test even on a loaded build machine. */
    static final Duration ANSWERS_WITHIN = Duration.ofSeconds(20);

    /** Without the limits a request would hang; the client gives up well after ANSWERS_WITHIN instead. */
    static final RestAssuredConfig CLIENT_GIVES_UP = RestAssuredConfig.config()
            .httpClient(HttpClientConfig.httpClientConfig().setParam("http.socket.timeout", (int)
                    ANSWERS_WITHIN.multipliedBy(3).toMillis()));

    public static class ShortDatabaseTimeouts implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "gateway.database.lock-timeout", "1s",
                    "gateway.database.statement-timeout", "2s",
                    "gateway.database.socket-timeout", "3s");
        }
    }

    private final TcpProxy database = PostgresResource.proxy();

    @AfterEach
    void reconnect() {
        database.restore();
    }

    @Test
    void aSessionHoldingTheEventCounterDelaysTheFeedButNotIntake() throws SQLException {
        UUID call = UUID.randomUUID();
        byte[] body = webhook(call);
        String header = signature(CURRENT_SECRET, now(), body);

        try (Connection other = plainConnection();
                Statement statement = other.createStatement()) {
            other.setAutoCommit(false);
            statement.execute("select last_id from event_sequence for update");

            // writers never take the counter (ADR 0063): the webhook is stored and answered
            Instant start = Instant.now();
            post(body, header).statusCode(200).body("outcome", equalTo("created"));
            assertAnsweredInTime(start);
            given().get("/calls/{id}", call).then().statusCode(200).body("status", equalTo("in_progress"));
            given().get("/events?call_id={id}", call).then().statusCode(200).body("data.size()", equalTo(0));

            other.rollback();
        }

        await().atMost(ANSWERS_WITHIN)
                .untilAsserted(() -> given().get("/events?call_id={id}", call)
                        .then()
                        .statusCode(200)
                        .body("data.size()", equalTo(1)));
    }

    @Test
    void aReadBlockedByALockGives503() throws SQLException {
        try (Connection other = plainConnection();
                Statement statement = other.createStatement()) {
            other.setAutoCommit(false);
            statement.execute("lock table call in access exclusive mode");

            Instant start = Instant.now();
            given().config(CLIENT_GIVES_UP)
                    .get("/calls")
                    .then()
                    .statusCode(503)
                    .contentType("application/problem+json")
                    .header("Retry-After", "5")
                    .body("type", equalTo("urn:callingbox-gateway:problem:database-unavailable"));
            assertAnsweredInTime(start);

            other.rollback();
        }

        given().get("/calls").then().statusCode(200);
    }

    @Test
    void aDatabaseThatFallsSilentGives503InsteadOfAHang() {
        UUID call = UUID.randomUUID();
        byte[] body = webhook(call);
        String header = signature(CURRENT_SECRET, now(), body);
        given().get("/calls").then().statusCode(200); // the pool holds connections that are about to go silent

        database.blackhole();
        try {
            Instant start = Instant.now();
            post(body, header).statusCode(503).header("Retry-After", "30");
            assertAnsweredInTime(start);

            start = Instant.now();
            given().config(CLIENT_GIVES_UP).get("/calls/{id}", call).then().statusCode(503);
            assertAnsweredInTime(start);
        } finally {
            database.restore();
        }

        await().atMost(ANSWERS_WITHIN)
                .untilAsserted(() -> post(body, header).statusCode(200).body("outcome", equalTo("created")));
    }

    private static void assertAnsweredInTime(Instant start) {
        Duration took = Duration.between(start, Instant.now());
        assertTrue(took.compareTo(ANSWERS_WITHIN) < 0, "answered after " + took);
    }

    private static ValidatableResponse post(byte[] body, String header) {
        return given().config(CLIENT_GIVES_UP)
                .contentType("application/json")
                .header("CallingBox-Signature", header)
                .body(body)
                .post(SignedWebhook.PATH)
                .then();
    }

    private static byte[] webhook(UUID call) {
        return envelope(UUID.randomUUID(), "call.answered", call, "in_progress", Instant.parse("2026-11-28T10:00:30Z"))
                .getBytes(UTF_8);
    }

    /** A session of its own, outside the gateway's pool, as another replica or an operator's psql would be. */
    private static Connection plainConnection() throws SQLException {
        var config = ConfigProvider.getConfig();
        return DriverManager.getConnection(
                config.getValue("quarkus.datasource.jdbc.url", String.class),
                config.getValue("quarkus.datasource.username", String.class),
                config.getOptionalValue("quarkus.datasource.password", String.class)
                        .orElse(""));
    }
}
