package io.callingboxgateway.security;

import static io.callingboxgateway.testing.TestCredentials.bearer;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.callingboxgateway.testing.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class ApiKeyResourceTest {

    private static ValidatableResponse create(String json) {
        return given().contentType("application/json")
                .body(json)
                .post("/api-keys")
                .then()
                .log()
                .ifValidationFails();
    }

    @Test
    void aNewKeyIsShownOnceWithItsScopesAndWorksForThem() {
        var created = create("{\"name\": \"billing dashboard\", \"scopes\": [\"calls:read\", \"events:read\"]}")
                .statusCode(201)
                .header("Location", matchesPattern(".*/api-keys/[0-9a-f-]{36}"))
                .body("name", equalTo("billing dashboard"))
                .body("scopes", equalTo(List.of("calls:read", "events:read")))
                .body("key", startsWith("gwk_"))
                .body("created_at", notNullValue())
                .extract();
        String key = created.path("key");
        String id = created.path("id");
        // gwk_ + 32 random bytes in base64url: 256 bits
        assertEquals(4 + 43, key.length(), key.substring(0, 4));

        bearer(key).get("/calls").then().statusCode(200);
        bearer(key).get("/events").then().statusCode(200);
        bearer(key).get("/subscriptions").then().statusCode(403);

        given().get("/api-keys/{id}", id)
                .then()
                .statusCode(200)
                .body("$", not(hasKey("key")))
                .body("$", not(hasKey("key_hash")))
                .body("last_used_at", notNullValue());
    }

    @Test
    void theListShowsEveryKeyWithoutKeyMaterial() {
        String key = ApiKeys.issue("listed", "subscriptions:write");
        var list = given().get("/api-keys").then().statusCode(200);
        list.body("data.name", hasItem("listed"))
                .body("data", everyItem(not(hasKey("key"))))
                .body("data", everyItem(not(hasKey("key_hash"))))
                .body("data", everyItem(hasKey("last_used_at")))
                .body("data", everyItem(hasKey("created_at")));
        assertFalse(list.extract().asString().contains(key.substring(4)), "the key never appears in the list");
    }

    @Test
    void aRevokedKeyFailsAtOnce() {
        var created = create("{\"name\": \"to revoke\", \"scopes\": [\"calls:read\"]}")
                .statusCode(201)
                .extract();
        String key = created.path("key");
        String id = created.path("id");
        bearer(key).get("/calls").then().statusCode(200);

        given().delete("/api-keys/{id}", id).then().statusCode(204);

        bearer(key)
                .get("/calls")
                .then()
                .statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", "Bearer");
        given().get("/api-keys").then().body("data.id", not(hasItem(id)));
        given().delete("/api-keys/{id}", id).then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void lastUseIsRecordedWithoutAWritePerRequest() {
        var created = create("{\"name\": \"used\", \"scopes\": [\"calls:read\"]}")
                .statusCode(201)
                .extract();
        String id = created.path("id");
        given().get("/api-keys/{id}", id).then().body("last_used_at", nullValue());
        bearer(created.path("key")).get("/calls").then().statusCode(200);
        String firstUse = given().get("/api-keys/{id}", id).then().extract().path("last_used_at");
        bearer(created.path("key")).get("/calls").then().statusCode(200);
        assertEquals(
                firstUse,
                given().get("/api-keys/{id}", id).then().extract().path("last_used_at"),
                "a second use within the minute leaves last_used_at as it was");
    }

    @Test
    void badBodiesAreRefusedNamingTheField() {
        Map<String, String> fieldOf = Map.of(
                "{\"name\": \"x\", \"scopes\": [\"calls:write\"]}", "scopes",
                "{\"name\": \"x\", \"scopes\": []}", "scopes",
                "{\"name\": \"x\"}", "scopes",
                "{\"name\": \"x\", \"scopes\": \"calls:read\"}", "scopes",
                "{\"scopes\": [\"calls:read\"]}", "name",
                "{\"name\": \"  \", \"scopes\": [\"calls:read\"]}", "name",
                "{\"name\": \"x\", \"scopes\": [\"calls:read\"], \"expires\": \"never\"}", "expires",
                "[]", "body");
        fieldOf.forEach((json, field) -> create(json)
                .statusCode(400)
                .contentType("application/problem+json")
                .body("parameter", equalTo(field)));
        given().get("/api-keys").then().body("data.name", not(hasItem("x")));
    }

    @Test
    void idsThatAreNotUuidsOrUnknownAreProblems() {
        given().delete("/api-keys/not-a-uuid")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("parameter", equalTo("id"));
        given().delete("/api-keys/{id}", UUID.randomUUID())
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
        given().get("/api-keys/{id}", UUID.randomUUID()).then().statusCode(404);
    }

    @Test
    void aKeyThatCannotBeCheckedIs503NotARevocation() {
        String key = ApiKeys.issue("during an outage", "calls:read");
        PostgresResource.proxy().cut();
        try {
            bearer(key)
                    .get("/calls")
                    .then()
                    .statusCode(503)
                    .contentType("application/problem+json")
                    .header("Retry-After", notNullValue());
        } finally {
            PostgresResource.proxy().restore();
        }
        bearer(key).get("/calls").then().statusCode(200);
    }

    @Test
    void twoKeysAreNeverTheSame() {
        assertNotEquals(ApiKeys.issue("one", "calls:read"), ApiKeys.issue("two", "calls:read"));
    }
}
