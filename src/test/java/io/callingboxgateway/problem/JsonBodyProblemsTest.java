package io.callingboxgateway.problem;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callingboxgateway.testing.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Request bodies the gateway cannot take as they are: problem JSON naming the field, never Quarkus's
 * bare 400 or Jackson's own wording. These answers come from the gateway's mappers, which apply in
 * the packaged application exactly as here (Quarkus's built-in ones differ between dev/test and prod).
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class JsonBodyProblemsTest {

    private static final String PROBLEM = "application/problem+json";

    @Test
    void anUnknownFieldIsRefusedByNameInsteadOfSilentlyIgnored() {
        // event_type for event_types would otherwise create a subscription to every type
        refused(post(
                        "/subscriptions",
                        "{\"url\": \"https://hooks.example.com/in\", \"event_type\": [\"call.created\"]}"))
                .body("type", equalTo("urn:callingbox-gateway:problem:unknown-field"))
                .body("detail", equalTo("unknown field 'event_type'"))
                .body("parameter", equalTo("event_type"));
        given().get("/subscriptions").then().statusCode(200).body("data", hasSize(0));
    }

    @Test
    void anUnknownFieldInAPatchIsRefusedBeforeAnythingIsLookedUp() {
        refused(given().contentType(ContentType.JSON)
                        .body("{\"enabled\": false, \"paused\": true}")
                        .patch("/subscriptions/{id}", UUID.randomUUID())
                        .then())
                .body("detail", equalTo("unknown field 'paused'"))
                .body("parameter", equalTo("paused"));
    }

    @Test
    void malformedJsonIsAProblemOnEveryEndpoint() {
        for (String body : new String[] {"{", "{\"url\": ", "not json"}) {
            String answer = refused(post("/subscriptions", body)).extract().asString();
            assertTrue(answer.contains("\"detail\":\"the body is not valid JSON\""), body + " -> " + answer);
        }
        refused(given().contentType(ContentType.JSON)
                        .body("{")
                        .patch("/subscriptions/{id}", UUID.randomUUID())
                        .then())
                .body("detail", equalTo("the body is not valid JSON"));
    }

    @Test
    void aValueOfTheWrongTypeNamesItsField() {
        refused(post("/subscriptions", "{\"url\": \"https://hooks.example.com/in\", \"enabled\": \"maybe\"}"))
                .body("detail", equalTo("enabled has a value of the wrong type or format"))
                .body("parameter", equalTo("enabled"));
        refused(post("/subscriptions", "{\"url\": \"https://hooks.example.com/in\", \"event_types\": {\"a\": 1}}"))
                .body("parameter", equalTo("event_types"));
        refused(post("/subscriptions", "[1, 2]")).body("detail", equalTo("the body is not the JSON object expected"));
    }

    private static ValidatableResponse post(String path, String body) {
        return given().contentType(ContentType.JSON).body(body).post(path).then();
    }

    private static ValidatableResponse refused(ValidatableResponse response) {
        return response.statusCode(400)
                .contentType(PROBLEM)
                .body("status", equalTo(400))
                .body(not(containsString("com.fasterxml")))
                .body(not(containsString("Exception")));
    }
}
