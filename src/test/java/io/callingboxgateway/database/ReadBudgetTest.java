package io.callingboxgateway.database;

import static io.callingboxgateway.testing.SignedWebhook.envelope;
import static io.callingboxgateway.testing.SignedWebhook.post;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.callingboxgateway.testing.Metrics;
import io.callingboxgateway.testing.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Reads have their own share of the connection pool: when it is taken, webhooks still get theirs. */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class ReadBudgetTest {

    @Inject
    ReadBudget budget;

    @Test
    void whileEveryReadPlaceIsTakenReadsAnswer503AndWebhooksAreStillAccepted() {
        UUID call = UUID.randomUUID();
        double refused = Metrics.value("gateway_reads_refused_total");
        // Every place held, as by that many slow reads
        for (int i = 0; i < budget.size(); i++) {
            budget.acquire(false);
        }
        try {
            for (String read : new String[] {"/calls", "/calls/" + call, "/calls/" + call + "/events", "/events"}) {
                given().get(read)
                        .then()
                        .statusCode(503)
                        .contentType("application/problem+json")
                        .header("Retry-After", "1")
                        .body("status", equalTo(503))
                        .body("type", containsString("reads-busy"));
            }
            given().get("/events/stream").then().statusCode(503).header("Retry-After", "1");
            assertEquals(5, Metrics.value("gateway_reads_refused_total") - refused);

            post(envelope(UUID.randomUUID(), "call.answered", call, "in_progress", Instant.now()))
                    .statusCode(200)
                    .body("outcome", equalTo("created"));
        } finally {
            for (int i = 0; i < budget.size(); i++) {
                budget.release();
            }
        }
        given().get("/calls/{id}", call).then().statusCode(200).body("status", equalTo("in_progress"));
    }

    @Test
    void aReadGivesItsPlaceBackWhenItIsAnswered() {
        for (int round = 0; round < budget.size() * 3; round++) {
            given().get("/events").then().statusCode(200);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> Metrics.value("gateway_reads_in_use") == 0);
    }
}
