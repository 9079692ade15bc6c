package io.callingboxgateway.sandbox;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callingboxgateway.testing.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The sandbox's controls switch faults and the trickle at run time and refuse bad input precisely. */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class SandboxControlResourceTest {

    @Inject
    CallSimulator simulator;

    @Inject
    WebhookSender webhooks;

    @Inject
    Trickle trickle;

    @BeforeEach
    void freshSimulator() {
        simulator.reset();
    }

    @AfterEach
    void stopTrickle() {
        trickle.set(false, Duration.ofSeconds(20));
    }

    @Test
    void theOverviewTellsWhereTheSimulatorIs() {
        given().get("/sandbox")
                .then()
                .statusCode(200)
                .body("callingbox_base_url", equalTo("http://localhost:" + RestAssured.port + "/sandbox/callingbox"))
                .body("time_scale", equalTo(60000.0f))
                .body("trickle.enabled", equalTo(false))
                .body("faults.drop_rate", equalTo(0.0f))
                .body("fault_counts.dropped", equalTo(0));
    }

    @Test
    void faultsAreReplacedAsAWholeAndTakeEffectAtOnce() {
        given().contentType("application/json")
                .body("{\"drop_rate\": 0.25, \"delay_rate\": 0.5, \"max_delay\": \"PT2S\", \"webhooks_silent\": true}")
                .put("/sandbox/faults")
                .then()
                .statusCode(200)
                .body("drop_rate", equalTo(0.25f))
                .body("duplicate_rate", equalTo(0.0f))
                .body("max_delay", equalTo("PT2S"))
                .body("webhooks_silent", equalTo(true));
        assertEquals(new FaultSettings(0.25, 0, 0.5, Duration.ofSeconds(2), 0, true), webhooks.faults());

        given().contentType("application/json")
                .body("{}")
                .put("/sandbox/faults")
                .then()
                .statusCode(200);
        assertEquals(FaultSettings.none(), webhooks.faults());
        given().get("/sandbox/faults").then().statusCode(200).body("webhooks_silent", equalTo(false));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"drop_rate\": 1.5}",
                "{\"drop_rate\": -0.1}",
                "{\"drop_rate\": \"half\"}",
                "{\"max_delay\": \"30 seconds\"}",
                "{\"max_delay\": \"PT11M\"}",
                "{\"webhooks_silent\": \"yes\"}",
                "{\"lose_everything\": true}",
                "[]",
                "{nope"
            })
    void badFaultsAreAProblemAndChangeNothing(String body) {
        webhooks.faults(FaultSettings.none().withDuplicateRate(0.5));
        given().contentType("application/json")
                .body(body)
                .put("/sandbox/faults")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("detail", notNullValue());
        assertEquals(FaultSettings.none().withDuplicateRate(0.5), webhooks.faults());
    }

    @Test
    void theTrickleCanBeTurnedOnAndOff() {
        given().contentType("application/json")
                .body("{\"enabled\": true, \"every\": \"PT0.1S\"}")
                .post("/sandbox/calls/trickle")
                .then()
                .statusCode(200)
                .body("enabled", equalTo(true))
                .body("every", equalTo("PT0.1S"));
        await().atMost(Duration.ofSeconds(30)).until(() -> simulator.calls().size() >= 3);

        given().contentType("application/json")
                .body("{\"enabled\": false}")
                .post("/sandbox/calls/trickle")
                .then()
                .statusCode(200)
                .body("enabled", equalTo(false))
                .body("every", equalTo("PT0.1S"));
        assertFalse(trickle.enabled());
        assertTrue(simulator.calls().stream()
                .allMatch(c -> c.get("direction").asText().matches("outbound|inbound")));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{}",
                "{\"enabled\": \"on\"}",
                "{\"enabled\": true, \"every\": \"often\"}",
                "{\"enabled\": true, \"every\": \"PT0.01S\"}",
                "{\"enabled\": true, \"rate\": 3}"
            })
    void badTrickleRequestsAreAProblem(String body) {
        given().contentType("application/json")
                .body(body)
                .post("/sandbox/calls/trickle")
                .then()
                .statusCode(400)
                .contentType("application/problem+json");
        assertFalse(trickle.enabled());
    }
}
