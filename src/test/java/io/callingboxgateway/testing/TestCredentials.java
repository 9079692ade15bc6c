package io.callingboxgateway.testing;

import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.Map;

/**
 * The credential every test sends unless it says otherwise: the test profile's admin key (set in
 * src/test/resources/META-INF/microprofile-config.properties). RestAssured requests get it by default
 * ({@link DefaultCredentials}); other HTTP clients add {@link #AUTHORIZATION} themselves.
 */
public final class TestCredentials {
    public static final String ADMIN_KEY = "gwk_test_admin_0123456789abcdef0123456789abcdef";
    public static final String AUTHORIZATION = "Bearer " + ADMIN_KEY;

    private TestCredentials() {}

    /** The header as a map, for clients that take headers that way. */
    public static Map<String, String> header() {
        return Map.of("Authorization", AUTHORIZATION);
    }

    /** A RestAssured request without the default credential, to see what an anonymous caller gets. */
    public static RequestSpecification anonymous() {
        return RestAssured.given().header(DefaultCredentials.NONE, "true");
    }

    /** A new API key with these scopes, issued through the API with the admin key; the key itself. */
    public static String issue(String name, String... scopes) {
        return RestAssured.given()
                .contentType("application/json")
                .body(Map.of("name", name, "scopes", List.of(scopes)))
                .post("/api-keys")
                .then()
                .statusCode(201)
                .extract()
                .path("key");
    }

    /** A RestAssured request with this bearer token instead of the default credential. */
    public static RequestSpecification bearer(String token) {
        return RestAssured.given().header("Authorization", "Bearer " + token);
    }
}
