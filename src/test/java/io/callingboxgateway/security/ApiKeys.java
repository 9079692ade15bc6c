package io.callingboxgateway.security;

import static io.restassured.RestAssured.given;

import java.util.List;

/** Issues keys through the API, as an admin would. */
final class ApiKeys {

    private ApiKeys() {}

    /** A new key with these scopes; the key itself. */
    static String issue(String name, String... scopes) {
        return given().contentType("application/json")
                .body("{\"name\": \"%s\", \"scopes\": [%s]}"
                        .formatted(
                                name,
                                String.join(
                                        ", ",
                                        List.of(scopes).stream()
                                                .map(s -> "\"" + s + "\"")
                                                .toList())))
                .post("/api-keys")
                .then()
                .statusCode(201)
                .extract()
                .path("key");
    }
}
