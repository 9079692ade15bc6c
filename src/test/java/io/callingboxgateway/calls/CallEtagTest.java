package io.callingboxgateway.calls;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.emptyString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.callingboxgateway.testing.CallStore;
import io.callingboxgateway.testing.PostgresResource;
import io.callingboxgateway.testing.TestCall;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Conditional GET of one call: a poller of /calls/{id} pays for a body only when the call changed. */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class CallEtagTest {

    static final String RINGING = "c0ffee00-1d2e-4f3a-8b4c-5d6e7f8a9b0c";
    static final String OTHER = "0badcafe-7a6b-4c5d-9e8f-0a1b2c3d4e5f";

    @Inject
    CallStore store;

    @BeforeAll
    static void logFailures() {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    @BeforeEach
    void aRingingCall() {
        store.clear();
        store.insert(
                TestCall.ringing(RINGING, "2026-04-16T09:00:00Z"), TestCall.completed(OTHER, "2026-04-16T08:00:00Z"));
    }

    @Test
    void aCallHasAWeakETagThatIsStableWhileTheCallIsUnchanged() {
        String etag = etagOf(RINGING);

        given().get("/calls/{id}", RINGING).then().statusCode(200).header("ETag", equalTo(etag));
        assertNotEquals(etag, etagOf(OTHER), "two calls never share an ETag");
    }

    @Test
    void ifNoneMatchWithTheCurrentETagAnswers304WithoutABody() {
        String etag = etagOf(RINGING);

        given().header("If-None-Match", etag)
                .get("/calls/{id}", RINGING)
                .then()
                .statusCode(304)
                .header("ETag", equalTo(etag))
                .body(emptyString());
    }

    @Test
    void ifNoneMatchMatchesAnyTagOfAListAndTheWildcard() {
        String etag = etagOf(RINGING);

        given().header("If-None-Match", "\"something-else\", " + etag)
                .get("/calls/{id}", RINGING)
                .then()
                .statusCode(304);
        given().header("If-None-Match", "*").get("/calls/{id}", RINGING).then().statusCode(304);
        given().header("If-None-Match", etagOf(OTHER))
                .get("/calls/{id}", RINGING)
                .then()
                .statusCode(200)
                .body("id", equalTo(RINGING));
    }

    @Test
    void afterTheCallChangesTheOldETagGetsTheNewCallAndANewETag() {
        String before = etagOf(RINGING);

        store.advance(UUID.fromString(RINGING), "in_progress", Instant.parse("2026-04-16T09:00:11Z"));

        String after = given().header("If-None-Match", before)
                .get("/calls/{id}", RINGING)
                .then()
                .statusCode(200)
                .body("status", equalTo("in_progress"))
                .body("updated_at", equalTo("2026-04-16T09:00:11Z"))
                .header("ETag", not(equalTo(before)))
                .extract()
                .header("ETag");
        given().header("If-None-Match", after)
                .get("/calls/{id}", RINGING)
                .then()
                .statusCode(304);
        given().header("If-None-Match", etagOf(OTHER))
                .get("/calls/{id}", OTHER)
                .then()
                .statusCode(304);
    }

    @Test
    void ifNoneMatchOnAnAbsentCallIsStillNotFound() {
        String etag = etagOf(RINGING);

        given().header("If-None-Match", etag)
                .get("/calls/{id}", "6f1c2a8e-0000-4000-8000-000000000000")
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
    }

    private static String etagOf(String id) {
        return given().get("/calls/{id}", id)
                .then()
                .statusCode(200)
                // weak: it names the call's version, not the bytes (a gateway upgrade may change the JSON)
                .header("ETag", matchesPattern("W/\"[^\"]+\""))
                .extract()
                .header("ETag");
    }
}
