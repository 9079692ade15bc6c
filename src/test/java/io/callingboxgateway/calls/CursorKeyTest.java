package io.callingboxgateway.calls;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.callingboxgateway.keys.SharedKeys;
import io.callingboxgateway.testing.CallStore;
import io.callingboxgateway.testing.PostgresResource;
import io.callingboxgateway.testing.TestCall;
import io.callingboxgateway.testing.TestDatabase;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * With GATEWAY_CURSOR_KEY unset (the test profile's case), the cursor key is generated once and kept
 * in the database: a second replica on the same database verifies this one's cursors, and a cursor
 * made under any other key is refused.
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class CursorKeyTest {

    static final CallFilter NO_FILTERS = CallFilter.parse(new CallListParams());

    @Inject
    CursorConfig config;

    @Inject
    SharedKeys sharedKeys;

    @Inject
    TestDatabase db;

    @Inject
    CallStore store;

    @BeforeAll
    static void logFailures() {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    @BeforeEach
    void twoCalls() {
        store.clear();
        store.insert(
                TestCall.completed("0f3e2d1c-0000-4000-8000-000000000001", "2026-04-16T08:00:00Z"),
                TestCall.completed("0f3e2d1c-0000-4000-8000-000000000002", "2026-04-16T08:00:01Z"));
    }

    @Test
    void theGeneratedKeyIsKeptInTheDatabaseAndNeverReplaced() {
        byte[] stored = storedKey();

        assertEquals(32, stored.length);
        assertArrayEquals(stored, sharedKeys.getOrCreate(CursorKey.SHARED_NAME, 32));
        assertArrayEquals(stored, sharedKeys.getOrCreate(CursorKey.SHARED_NAME, 32));
        assertArrayEquals(stored, storedKey());
    }

    @Test
    void anotherReplicaOnTheSameDatabaseAcceptsThisOnesCursorsAndViceVersa() {
        CursorKey anotherReplica = new CursorKey(config, sharedKeys);
        String issuedHere = given().get("/calls?limit=1")
                .then()
                .statusCode(200)
                .body("has_more", equalTo(true))
                .extract()
                .path("next_cursor");

        CallCursor position = CallCursor.decode(issuedHere, NO_FILTERS, anotherReplica);
        assertEquals(UUID.fromString("0f3e2d1c-0000-4000-8000-000000000002"), position.id());

        given().queryParam("cursor", position.encode(NO_FILTERS, anotherReplica))
                .get("/calls")
                .then()
                .statusCode(200)
                .body("data.id", equalTo(List.of("0f3e2d1c-0000-4000-8000-000000000001")));
    }

    @Test
    void aCursorMadeUnderAnotherKeyIsRefused() {
        byte[] otherKey = new byte[32];
        new SecureRandom().nextBytes(otherKey);
        CallCursor position = new CallCursor(
                Instant.parse("2026-04-16T08:00:01Z"), UUID.fromString("0f3e2d1c-0000-4000-8000-000000000002"));

        given().queryParam("cursor", position.encode(NO_FILTERS, new CursorKey(otherKey)))
                .get("/calls")
                .then()
                .statusCode(400)
                .contentType(startsWith("application/problem+json"))
                .body("parameter", equalTo("cursor"))
                .body("detail", equalTo("cursor was modified or truncated; use next_cursor exactly as returned"));
    }

    private byte[] storedKey() {
        return db.queryBytes("select secret from gateway_key where name = ?", CursorKey.SHARED_NAME);
    }
}
