package io.callingboxgateway.sandbox;

import static io.callingboxgateway.sandbox.SandboxTesting.API;
import static io.callingboxgateway.sandbox.SandboxTesting.api;
import static io.callingboxgateway.sandbox.SandboxTesting.awaitSettled;
import static io.callingboxgateway.sandbox.SandboxTesting.placeCall;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.notNullValue;

import io.callingboxgateway.testing.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The simulator's GET /v1/calls/{id}/transcript: segments for a conversation, 404 otherwise. */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class SandboxTranscriptTest {

    @Inject
    CallSimulator simulator;

    @BeforeEach
    void freshSimulator() {
        simulator.reset();
    }

    @Test
    void aCallThatCompletedWithAConversationHasATranscriptInCallingBoxShape() {
        String id = placeCall("+15550100001");
        awaitSettled(simulator, id);

        api().get(API + "/calls/{id}/transcript", id)
                .then()
                .statusCode(200)
                .body("call_id", equalTo(id))
                .body("segments.size()", greaterThan(1))
                .body("segments[0].sequence_no", equalTo(1))
                .body("segments.role", hasItems("agent", "user"))
                .body("segments.text", everyItem(notNullValue()))
                .body("segments.duration_ms", everyItem(greaterThan(0)))
                .body("segments.started_at", everyItem(notNullValue()))
                .body("segments.source", everyItem(notNullValue()));
    }

    @Test
    void callsWithoutAConversationOrUnknownToTheSimulatorHaveNone() {
        String unanswered = placeCall("+15550100003");
        awaitSettled(simulator, unanswered);

        api().get(API + "/calls/{id}/transcript", unanswered).then().statusCode(404);
        api().get(API + "/calls/{id}/transcript", UUID.randomUUID()).then().statusCode(404);
    }
}
