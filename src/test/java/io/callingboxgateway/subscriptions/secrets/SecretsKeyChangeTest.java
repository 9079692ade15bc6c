package io.callingboxgateway.subscriptions.secrets;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.callingboxgateway.keys.SharedKeys;
import io.callingboxgateway.reconcile.Reconciler;
import io.callingboxgateway.reconcile.Source;
import io.callingboxgateway.testing.CallSnapshots;
import io.callingboxgateway.testing.PostgresResource;
import io.callingboxgateway.testing.TestDatabase;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Setting GATEWAY_SECRETS_KEY after running on the database-kept key: the next start moves every
 * secret to the configured key. The running test application stands for a replica still on the old
 * key, which then can no longer open them.
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class SecretsKeyChangeTest {

    private static final String CONFIGURED = Base64.getEncoder().encodeToString(new byte[] {
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30,
        31, 32
    });

    @Inject
    DataSource dataSource;

    @Inject
    TestDatabase db;

    @Inject
    SharedKeys sharedKeys;

    @Inject
    Reconciler reconciler;

    @Inject
    SigningSecrets runningOnStoredKey;

    @BeforeEach
    @AfterEach
    void noSubscriptions() {
        db.update("delete from subscription");
    }

    @Test
    void aNewlyConfiguredKeyTakesOverSecretsSealedUnderTheDatabaseKey() {
        JsonPath created = JsonPath.from(given().contentType(ContentType.JSON)
                .body(Map.of("url", "http://127.0.0.1:9/hook"))
                .post("/subscriptions")
                .then()
                .statusCode(201)
                .extract()
                .asString());
        UUID id = UUID.fromString(created.getString("id"));
        assertEquals(SigningSecrets.STORED_KEY_ID, SecretBox.keyId(sealed(id)));

        SigningSecrets configured = new SigningSecrets(() -> Optional.of(CONFIGURED), sharedKeys, dataSource);
        configured.encryptStoredSecrets();

        byte[] moved = sealed(id);
        assertEquals(SigningSecrets.CONFIGURED_KEY_ID, SecretBox.keyId(moved));
        assertEquals(created.getString("signing_secret"), configured.open(id, moved));
        assertThrows(SecretBox.Unreadable.class, () -> runningOnStoredKey.open(id, moved));
    }

    @Test
    void aSecretNoKeyHereOpensSetsOnlyItsSubscriptionAsideWithTheReason() {
        String id = given().contentType(ContentType.JSON)
                .body(Map.of("url", "http://127.0.0.1:9/hook"))
                .post("/subscriptions")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        new SigningSecrets(() -> Optional.of(CONFIGURED), sharedKeys, dataSource).encryptStoredSecrets();

        // An event after the subscription's position makes it due.
        reconciler.apply(
                CallSnapshots.of(UUID.randomUUID(), "queued", "pending", null, "pending", Instant.now()),
                Source.POLL,
                null);

        String lastError = await().atMost(Duration.ofSeconds(30))
                .until(
                        () -> given().get("/subscriptions/" + id)
                                .then()
                                .statusCode(200)
                                .extract()
                                .<String>path("last_error"),
                        error -> error != null);
        assertEquals("signing secret cannot be decrypted: check GATEWAY_SECRETS_KEY", lastError);
    }

    private byte[] sealed(UUID id) {
        return db.queryBytes("select signing_secret_encrypted from subscription where id = ?", id);
    }
}
