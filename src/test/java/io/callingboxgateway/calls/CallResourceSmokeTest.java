package io.callingboxgateway.calls;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.callingboxgateway.testing.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class CallResourceSmokeTest {

    @Test
    void unknownCallIsAProblem() {
        given().get("/calls/6f1c2a8e-0000-4000-8000-000000000000")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("status", equalTo(404));
    }
}
