package io.callingboxgateway.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.callingboxgateway.testing.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The packaged application started with the {@code dev} profile and no admin key still demands a
 * credential: the dev-mode access is a bean of dev builds only, not a profile setting.
 */
@QuarkusIntegrationTest
@TestProfile(PackagedAuthIT.DevProfileWithoutKey.class)
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class PackagedAuthIT {

    public static class DevProfileWithoutKey implements QuarkusTestProfile {
        @Override
        public String getConfigProfile() {
            return "dev";
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            // the dev profile has no CallingBox URL of its own (dev mode gets the sandbox's)
            return Map.of("callingbox.base-url", "http://127.0.0.1:9");
        }
    }

    @Test
    void aRequestWithoutACredentialIsRefused() {
        given().get("/calls")
                .then()
                .statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", "Bearer")
                .body("status", equalTo(401));
        given().get("/subscriptions").then().statusCode(401);
    }
}
