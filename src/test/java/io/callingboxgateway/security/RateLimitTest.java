package io.callingboxgateway.security;

import static io.callingboxgateway.testing.TestCredentials.bearer;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callingboxgateway.testing.PostgresResource;
import io.callingboxgateway.testing.SignedWebhook;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The per-credential limit, set so low here that a handful of requests reach it. */
@QuarkusTest
@TestProfile(RateLimitTest.LowLimit.class)
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class RateLimitTest {

    public static class LowLimit implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // one request a minute after a burst of 5: nothing refills during the test
            return Map.of("gateway.api.rate-limit", "0.0166", "gateway.api.rate-limit-burst", "5");
        }
    }

    @Test
    void aCredentialOverItsRateGets429WithRetryAfterAndOthersDoNot() {
        String flooder = ApiKeys.issue("flooder", "calls:read");
        String bystander = ApiKeys.issue("bystander", "calls:read");
        for (int i = 0; i < 5; i++) {
            bearer(flooder).get("/calls").then().statusCode(200);
        }
        String retryAfter = bearer(flooder)
                .get("/calls")
                .then()
                .statusCode(429)
                .contentType("application/problem+json")
                .body("status", equalTo(429))
                .extract()
                .header("Retry-After");
        assertTrue(Long.parseLong(retryAfter) >= 1, retryAfter);

        bearer(bystander).get("/calls").then().statusCode(200);
    }

    @Test
    void webhooksNeverCountAgainstACredential() {
        String key = ApiKeys.issue("also on webhooks", "calls:read");
        for (int i = 0; i < 8; i++) {
            byte[] body = SignedWebhook.envelope(
                            UUID.randomUUID(), "call.ringing", UUID.randomUUID(), "ringing", Instant.now())
                    .getBytes(StandardCharsets.UTF_8);
            given().header("Authorization", "Bearer " + key)
                    .contentType("application/json")
                    .header(
                            "CallingBox-Signature",
                            SignedWebhook.signature(SignedWebhook.CURRENT_SECRET, SignedWebhook.now(), body))
                    .body(body)
                    .post(SignedWebhook.PATH)
                    .then()
                    .statusCode(200);
        }
        for (int i = 0; i < 5; i++) {
            bearer(key).get("/calls").then().statusCode(200);
        }
    }
}
