package io.callingboxgateway.calls;

import static io.restassured.RestAssured.given;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.hamcrest.Matchers.equalTo;

import io.callingboxgateway.keys.SharedKeys;
import io.callingboxgateway.testing.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** GATEWAY_CURSOR_KEY, when set, is the key: cursors made under it are accepted, under the stored one refused. */
@QuarkusTest
@TestProfile(ConfiguredCursorKeyTest.WithCursorKey.class)
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class ConfiguredCursorKeyTest {

    static final String KEY = "cursor-key-of-the-configured-test-0123456789";

    public static class WithCursorKey implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.cursor-key", KEY);
        }
    }

    static final CallCursor POSITION = new CallCursor(
            Instant.parse("2026-04-16T08:00:01Z"), UUID.fromString("0f3e2d1c-0000-4000-8000-000000000002"));

    @Inject
    SharedKeys sharedKeys;

    @Test
    void theConfiguredKeyMakesTheCursorsTheGatewayAccepts() {
        String cursor = POSITION.encode(CursorKeyTest.NO_FILTERS, new CursorKey(KEY.getBytes(UTF_8)));

        given().queryParam("cursor", cursor).get("/calls").then().statusCode(200);
    }

    @Test
    void theKeyKeptInTheDatabaseIsNotUsedWhenOneIsConfigured() {
        CursorKey stored = new CursorKey(sharedKeys.getOrCreate(CursorKey.SHARED_NAME, 32));

        given().queryParam("cursor", POSITION.encode(CursorKeyTest.NO_FILTERS, stored))
                .get("/calls")
                .then()
                .statusCode(400)
                .body("parameter", equalTo("cursor"));
    }
}
