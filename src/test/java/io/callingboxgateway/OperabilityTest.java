package io.callingboxgateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;

import io.callingboxgateway.testing.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class OperabilityTest {

    @BeforeAll
    static void logFailures() {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    @Test
    void liveness() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void readinessChecksTheDatabase() {
        given().get("/q/health/ready")
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
        given().accept("text/plain; version=0.0.4")
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
        given().queryParam("format", "json")
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
