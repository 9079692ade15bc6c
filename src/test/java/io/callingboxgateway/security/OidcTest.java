package io.callingboxgateway.security;

import static io.callingboxgateway.testing.TestCredentials.anonymous;
import static io.callingboxgateway.testing.TestCredentials.bearer;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.callingboxgateway.testing.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** With an identity provider configured, its JWTs get in with the scopes of their scope claim. */
@QuarkusTest
@TestProfile(OidcTest.WithIdentityProvider.class)
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(OidcWiremockTestResource.class)
class OidcTest {

    public static class WithIdentityProvider implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // only the URL: OIDC turns itself on when it is set (OidcSwitch)
            return Map.of("quarkus.oidc.auth-server-url", "${keycloak.url}/realms/quarkus");
        }
    }

    private static String token(String scope) {
        return OidcWiremockTestResource.generateJwtToken(
                "alice", Set.of(), "alice", null, Set.of("https://service.example.com"), Map.of("scope", scope));
    }

    @Test
    void aTokenGetsInWithTheScopesOfItsScopeClaim() {
        String reader = token("openid calls:read events:read");
        bearer(reader).get("/calls").then().statusCode(200);
        bearer(reader).get("/events").then().statusCode(200);
        bearer(reader).get("/subscriptions").then().statusCode(403).contentType("application/problem+json");
        bearer(reader).get("/api-keys").then().statusCode(403);
    }

    @Test
    void anAdminTokenHoldsEveryScope() {
        String admin = token("admin");
        bearer(admin).get("/api-keys").then().statusCode(200);
        bearer(admin).get("/subscriptions").then().statusCode(200);
        bearer(admin).get("/calls").then().statusCode(200);
    }

    @Test
    void aTamperedOrForeignTokenIs401ProblemJson() {
        String token = token("admin");
        String tampered = token.substring(0, token.length() - 4) + "AAAA";
        bearer(tampered)
                .get("/calls")
                .then()
                .statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", "Bearer")
                .body("status", equalTo(401));
        anonymous().get("/calls").then().statusCode(401).contentType("application/problem+json");
    }

    @Test
    void ourOwnKeysKeepWorkingBesideOidc() {
        given().get("/calls").then().statusCode(200); // the admin key
        String key = ApiKeys.issue("beside oidc", "calls:read");
        bearer(key).get("/calls").then().statusCode(200);
        bearer(key).get("/subscriptions").then().statusCode(403);
    }
}
