package io.callingboxgateway.security;

import static io.callingboxgateway.testing.TestCredentials.anonymous;
import static io.callingboxgateway.testing.TestCredentials.bearer;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callingboxgateway.testing.Management;
import io.callingboxgateway.testing.PostgresResource;
import io.callingboxgateway.testing.SignedWebhook;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Who may call what: each path without a credential, with the wrong scope, and with the right one. */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class AuthorizationTest {

    private static final String UNAUTHORIZED = "urn:callingbox-gateway:problem:unauthorized";
    private static final String FORBIDDEN = "urn:callingbox-gateway:problem:forbidden";

    private static Map<String, String> keys;

    @TestHTTPResource("/")
    URI root;

    /** One endpoint and the scope it needs. */
    record Endpoint(String method, String path, String scope) {
        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    private static final String CALL = UUID.randomUUID().toString();
    private static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint("GET", "/calls", "calls:read"),
            new Endpoint("GET", "/calls/" + CALL, "calls:read"),
            new Endpoint("GET", "/calls/" + CALL + "/events", "calls:read"),
            new Endpoint("POST", "/calls/" + CALL + "/refresh", "calls:refresh"),
            new Endpoint("GET", "/events", "events:read"),
            new Endpoint("GET", "/subscriptions", "subscriptions:write"),
            new Endpoint("POST", "/subscriptions", "subscriptions:write"),
            new Endpoint("GET", "/subscriptions/" + CALL, "subscriptions:write"),
            new Endpoint("DELETE", "/subscriptions/" + CALL, "subscriptions:write"),
            new Endpoint("GET", "/api-keys", "admin"),
            new Endpoint("POST", "/api-keys", "admin"),
            // "{}" names neither a number nor a call: 400 for admin, nothing erased
            new Endpoint("GET", "/erasures", "admin"),
            new Endpoint("POST", "/erasures", "admin"),
            new Endpoint("GET", "/q/openapi", "admin"),
            new Endpoint("GET", "/anything-added-later", "admin"));

    @BeforeEach
    void issueOneKeyPerScope() {
        if (keys != null) {
            return;
        }
        keys = Map.of(
                "calls:read", ApiKeys.issue("reader", "calls:read"),
                "calls:refresh", ApiKeys.issue("refresher", "calls:refresh"),
                "events:read", ApiKeys.issue("follower", "events:read"),
                "subscriptions:write", ApiKeys.issue("subscriber", "subscriptions:write"),
                "admin", ApiKeys.issue("operator", "admin"));
    }

    private static int call(RequestSpecification request, Endpoint endpoint) {
        return request.contentType("application/json")
                .body("{}")
                .request(endpoint.method(), endpoint.path())
                .then()
                .extract()
                .statusCode();
    }

    @Test
    void withoutACredentialEveryInternalPathIs401ProblemJson() {
        for (Endpoint endpoint : ENDPOINTS) {
            anonymous()
                    .request(endpoint.method(), endpoint.path())
                    .then()
                    .log()
                    .ifValidationFails()
                    .statusCode(401)
                    .contentType("application/problem+json")
                    .header("WWW-Authenticate", "Bearer")
                    .body("type", equalTo(UNAUTHORIZED))
                    .body("status", equalTo(401));
        }
    }

    @Test
    void aKeyWithoutTheScopeIs403AndWithItGetsThrough() {
        for (Endpoint endpoint : ENDPOINTS) {
            for (Map.Entry<String, String> key : keys.entrySet()) {
                boolean allowed =
                        key.getKey().equals(endpoint.scope()) || key.getKey().equals("admin");
                int status = call(bearer(key.getValue()), endpoint);
                if (allowed) {
                    assertTrue(status != 401 && status != 403, endpoint + " with " + key.getKey() + ": " + status);
                } else {
                    assertEquals(403, status, endpoint + " with " + key.getKey());
                }
            }
        }
        bearer(keys.get("events:read"))
                .get("/calls")
                .then()
                .statusCode(403)
                .contentType("application/problem+json")
                .body("type", equalTo(FORBIDDEN));
    }

    @Test
    void theAdminKeyFromTheEnvironmentOpensEverything() {
        for (Endpoint endpoint : ENDPOINTS) {
            int status = call(given(), endpoint);
            assertTrue(status != 401 && status != 403, endpoint + ": " + status);
        }
    }

    @Test
    void malformedUnknownAndForeignCredentialsAre401() {
        for (String header : List.of(
                "Basic dXNlcjpwYXNz",
                "Bearer",
                "Bearer ",
                "Bearer gwk_never_issued_0123456789abcdef0123456789",
                "Bearer not-one-of-ours",
                "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.",
                "Bearer " + io.callingboxgateway.testing.TestCredentials.ADMIN_KEY + "x")) {
            given().header("Authorization", header)
                    .get("/calls")
                    .then()
                    .log()
                    .ifValidationFails()
                    .statusCode(401)
                    .contentType("application/problem+json")
                    .header("WWW-Authenticate", "Bearer");
        }
        given().header("Authorization", "bearer " + io.callingboxgateway.testing.TestCredentials.ADMIN_KEY)
                .get("/calls")
                .then()
                .statusCode(200);
    }

    @Test
    void theWebhookIgnoresAnyAuthorizationHeader() {
        byte[] body = SignedWebhook.envelope(
                        UUID.randomUUID(), "call.ringing", UUID.randomUUID(), "ringing", Instant.now())
                .getBytes(StandardCharsets.UTF_8);
        given().header("Authorization", "Bearer bogus")
                .contentType("application/json")
                .header(
                        "CallingBox-Signature",
                        SignedWebhook.signature(SignedWebhook.CURRENT_SECRET, SignedWebhook.now(), body))
                .body(body)
                .post(SignedWebhook.PATH)
                .then()
                .statusCode(200);
        // unsigned: refused for its signature, not for the header
        given().header("Authorization", "Bearer bogus")
                .contentType("application/json")
                .body(body)
                .post(SignedWebhook.PATH)
                .then()
                .statusCode(401)
                .body("type", not(equalTo(UNAUTHORIZED)));
    }

    @Test
    void healthNeedsNoCredentialAndLivesOffTheApiPort() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        Function<HttpRequest.Builder, Integer> status = request -> {
            try {
                return http.send(request.build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        assertEquals(200, status.apply(HttpRequest.newBuilder(Management.url("/q/health/live"))));
        assertTrue(List.of(200, 503).contains(status.apply(HttpRequest.newBuilder(Management.url("/q/health/ready")))));
        assertEquals(
                200,
                status.apply(HttpRequest.newBuilder(Management.url("/q/health/live"))
                        .header("Authorization", "Bearer bogus")));
        anonymous().get("/q/health/live").then().statusCode(404);
    }

    @Test
    void theEventStreamIsRefusedBeforeItStarts() throws Exception {
        Function<String, HttpResponse<InputStream>> open = authorization -> {
            HttpRequest.Builder request = HttpRequest.newBuilder(root.resolve("/events/stream"))
                    .header("Accept", "text/event-stream")
                    .timeout(Duration.ofSeconds(10));
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            try {
                return HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .build()
                        .send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        for (var refusal : List.of(
                Map.entry(401, "none"),
                Map.entry(403, "Bearer " + keys.get("calls:read")),
                Map.entry(401, "Bearer gwk_revoked_or_never_issued"))) {
            HttpResponse<InputStream> response =
                    open.apply(refusal.getValue().equals("none") ? null : refusal.getValue());
            try (InputStream body = response.body()) {
                String contentType =
                        response.headers().firstValue("content-type").orElse("");
                assertEquals(refusal.getKey(), response.statusCode(), refusal.getValue());
                assertTrue(contentType.startsWith("application/problem+json"), contentType);
                assertFalse(contentType.contains("event-stream"), contentType);
                String problem = new String(body.readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(problem.contains("\"status\":" + refusal.getKey()), problem);
            }
        }
        HttpResponse<InputStream> allowed = open.apply("Bearer " + keys.get("events:read"));
        try (InputStream body = allowed.body()) {
            assertEquals(200, allowed.statusCode());
            assertTrue(allowed.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
        }
    }
}
