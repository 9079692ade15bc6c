package io.callingboxgateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.callingboxgateway.testing.Management;
import io.callingboxgateway.testing.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class OperabilityTest {

    @BeforeAll
    static void logFailures() {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    /** What only an operator's network may reach is not served where the API's callers are. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "/q/metrics",
                "/q/health",
                "/q/health/live",
                "/q/health/ready",
                "/q/health/group/upstream",
                "/q/openapi"
            })
    void managementPathsAreNotOnTheApiPort(String path) {
        given().get(path)
                .then()
                .statusCode(404)
                .body(not(containsString("# TYPE")))
                .body(not(containsString("\"status\":\"UP\"")));

        // served on the management port instead (the upstream group may be DOWN: 503, but there)
        Management.given().get(path).then().statusCode(not(equalTo(404)));
    }

    @Test
    void theManagementPortIsNotTheApiPort() {
        assertNotEquals(RestAssured.port, Management.root().getPort());
    }

    @Test
    void liveness() {
        Management.health("/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void readinessChecksTheDatabase() {
        Management.health("/ready")
                .then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("Database connections health check"))
                .body("checks.find { it.name == 'Database connections health check' }.status", equalTo("UP"));
    }

    @Test
    void metricsArePrometheusTextWithTemplatedPaths() {
        given().get("/calls").then().statusCode(200);
        given().get("/calls/{id}", "6f1c2a8e-0000-4000-8000-000000000000")
                .then()
                .statusCode(404);

        // what a Prometheus server asks for when it cannot take OpenMetrics
        Management.given()
                .accept("text/plain; version=0.0.4")
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .contentType(containsString("text/plain"))
                .body(containsString("# TYPE http_server_requests_seconds summary"))
                .body(containsString("uri=\"/calls\""))
                // one time series per route, not one per call id
                .body(containsString("uri=\"/calls/{id}\""))
                .body(not(containsString("6f1c2a8e-0000-4000-8000-000000000000")));
    }

    @Test
    void openApiDocumentsTheReadApiAsItIsOnTheWire() {
        Management.given()
                .queryParam("format", "json")
                .get("/q/openapi")
                .then()
                .statusCode(200)
                .body("paths.keySet()", hasItems("/calls", "/calls/{id}"))
                .body(
                        "paths.'/calls'.get.parameters.name",
                        hasItems(
                                "status",
                                "direction",
                                "result_status",
                                "webhook_status",
                                "agent_id",
                                "to_number",
                                "from_number",
                                "created_after",
                                "created_before",
                                "updated_since",
                                "limit",
                                "cursor"))
                .body("components.schemas.CallPage.properties.keySet()", hasItems("data", "has_more", "next_cursor"))
                .body(
                        "components.schemas.CallView.properties.keySet()",
                        hasItems("to_number", "billing_amount_milli_cents", "reconciliation"))
                .body("components.schemas.CallView.properties.keySet()", not(hasItem("billingAmountMilliCents")));
    }
}
