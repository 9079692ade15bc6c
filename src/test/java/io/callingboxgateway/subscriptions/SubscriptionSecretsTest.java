package io.callingboxgateway.subscriptions;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callingboxgateway.reconcile.Reconciler;
import io.callingboxgateway.subscriptions.SubscriptionApi.Subscribed;
import io.callingboxgateway.subscriptions.secrets.SecretBox;
import io.callingboxgateway.subscriptions.secrets.SigningSecrets;
import io.callingboxgateway.testing.PostgresResource;
import io.callingboxgateway.testing.Receiver;
import io.callingboxgateway.testing.Receiver.Push;
import io.callingboxgateway.testing.TestDatabase;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Signing secrets encrypted at rest, and rotated with a grace period (default 24 h in %test too). */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class SubscriptionSecretsTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final String PROBLEM = "application/problem+json";

    @Inject
    Reconciler reconciler;

    @Inject
    TestDatabase db;

    @Inject
    SigningSecrets secrets;

    private Receiver receiver;

    @BeforeEach
    void noSubscriptions() {
        execute("delete from subscription");
    }

    @AfterEach
    void cleanUp() {
        noSubscriptions();
        if (receiver != null) {
            receiver.close();
        }
    }

    @Test
    void theDatabaseHoldsCiphertextThatOpensToTheSecretOnlyForItsOwnRow() {
        Subscribed one = SubscriptionApi.subscribe("http://127.0.0.1:9/one", List.of("*"));
        Subscribed two = SubscriptionApi.subscribe("http://127.0.0.1:9/two", List.of("*"));

        StoredRow row = row(one.id());

        assertNull(row.plain(), "no plain-text secret is stored");
        String raw = new String(row.encrypted(), StandardCharsets.ISO_8859_1);
        assertFalse(raw.contains("whsec_"), "ciphertext, not the secret");
        assertFalse(raw.contains(one.secret().substring(6)));
        assertEquals(one.secret(), secrets.open(UUID.fromString(one.id()), row.encrypted()));
        assertThrows(
                SecretBox.Unreadable.class,
                () -> secrets.open(UUID.fromString(two.id()), row.encrypted()),
                "a ciphertext copied to another row does not open");
    }

    @Test
    void secretsStillInPlainTextAreEncryptedAtStartupOnceAndStillSign() throws Exception {
        receiver = Receiver.start();
        Subscribed subscribed = SubscriptionApi.subscribe(receiver.url(), List.of("*"));
        String legacy = PushSignature.newSecret();
        // As V55 leaves a row written before encryption at rest.
        execute(
                "update subscription set signing_secret = ?, signing_secret_encrypted = null where id = ?::uuid",
                legacy,
                subscribed.id());

        secrets.encryptStoredSecrets();
        StoredRow encrypted = row(subscribed.id());
        secrets.encryptStoredSecrets();

        assertNull(encrypted.plain());
        assertEquals(legacy, secrets.open(UUID.fromString(subscribed.id()), encrypted.encrypted()));
        assertArrayEquals(encrypted.encrypted(), row(subscribed.id()).encrypted(), "encrypted once");

        UUID call = TestCalls.create(reconciler);
        Push push = awaitAcknowledged(call);
        assertTrue(push.verifies(legacy));
    }

    @Test
    void rotationAnswersTheNewSecretOnceAndGetNeverShowsIt() {
        Subscribed subscribed = SubscriptionApi.subscribe("http://127.0.0.1:9/hook", List.of("*"));
        Instant before = Instant.now();

        JsonPath rotated = JsonPath.from(given().post("/subscriptions/" + subscribed.id() + "/rotate-secret")
                .then()
                .log()
                .ifValidationFails()
                .statusCode(200)
                .body("id", equalTo(subscribed.id()))
                .body("signing_secret", matchesPattern("whsec_[A-Za-z0-9+/]{43}="))
                .extract()
                .asString());

        assertNotEquals(subscribed.secret(), rotated.getString("signing_secret"));
        Instant expires = Instant.parse(rotated.getString("previous_secret_expires_at"));
        Duration grace = Duration.between(before, expires);
        assertTrue(
                grace.compareTo(Duration.ofHours(23)) > 0 && grace.compareTo(Duration.ofHours(25)) < 0,
                grace.toString());
        given().get("/subscriptions/" + subscribed.id())
                .then()
                .statusCode(200)
                .body("$", not(hasKey("signing_secret")));
        String list =
                given().get("/subscriptions").then().statusCode(200).extract().asString();
        assertFalse(list.contains(rotated.getString("signing_secret").substring(6)));
        assertFalse(list.contains("signing_secret"));
    }

    @Test
    void rotationOfAnUnknownSubscriptionIs404AndOfAMalformedId400() {
        String unknown = "3f1c2a34-0000-4000-8000-000000000000";

        given().post("/subscriptions/" + unknown + "/rotate-secret")
                .then()
                .statusCode(404)
                .contentType(PROBLEM)
                .body("detail", equalTo("no subscription with id " + unknown));
        given().post("/subscriptions/not-a-uuid/rotate-secret")
                .then()
                .statusCode(400)
                .contentType(PROBLEM)
                .body("parameter", equalTo("id"));
    }

    @Test
    void duringTheGracePeriodPushesVerifyWithEitherSecretAndAfterItOnlyWithTheNewOne() throws Exception {
        receiver = Receiver.start();
        Subscribed subscribed = SubscriptionApi.subscribe(receiver.url(), List.of("*"));
        Push first = awaitAcknowledged(TestCalls.create(reconciler));
        assertEquals(1, signatures(first).size());
        String oldSecret = subscribed.secret();

        String newSecret = given().post("/subscriptions/" + subscribed.id() + "/rotate-secret")
                .then()
                .statusCode(200)
                .extract()
                .path("signing_secret");
        awaitReleased(subscribed.id());

        Push inGrace = awaitAcknowledged(TestCalls.create(reconciler));
        assertEquals(2, signatures(inGrace).size(), inGrace.webhookSignature());
        assertTrue(inGrace.firstSignatureVerifies(newSecret), "the new secret's signature comes first");
        assertTrue(inGrace.verifies(oldSecret), "a receiver still on the old secret");
        assertTrue(inGrace.verifies(newSecret), "a receiver already on the new one");

        // The grace period ends: once no delivery holds the subscription, move its end into the past.
        await().atMost(PATIENCE).until(() -> execute("""
                        update subscription set previous_secret_expires_at = now() - interval '1 second'
                        where id = ?::uuid and lease_owner is null""", subscribed.id()) == 1);

        Push after = awaitAcknowledged(TestCalls.create(reconciler));
        assertEquals(1, signatures(after).size(), after.webhookSignature());
        assertTrue(after.verifies(newSecret));
        assertFalse(after.verifies(oldSecret));
    }

    @Test
    void aSecondRotationWithinTheGracePeriodRetiresTheOldestSecret() throws Exception {
        receiver = Receiver.start();
        Subscribed subscribed = SubscriptionApi.subscribe(receiver.url(), List.of("*"));

        String second = rotate(subscribed.id());
        String third = rotate(subscribed.id());

        Push push = awaitAcknowledged(TestCalls.create(reconciler));
        assertEquals(2, signatures(push).size(), push.webhookSignature());
        assertTrue(push.verifies(third));
        assertTrue(push.verifies(second));
        assertFalse(push.verifies(subscribed.secret()));
        assertNull(row(subscribed.id()).plain());
    }

    private String rotate(String id) {
        return given().post("/subscriptions/" + id + "/rotate-secret")
                .then()
                .statusCode(200)
                .extract()
                .path("signing_secret");
    }

    /** Waits until no delivery holds the subscription, so the next one is claimed with what is stored now. */
    private void awaitReleased(String id) {
        await().atMost(PATIENCE)
                .until(() -> execute(
                                "update subscription set updated_at = updated_at where id = ?::uuid and lease_owner is null",
                                id)
                        == 1);
    }

    private Push awaitAcknowledged(UUID call) {
        return await().atMost(PATIENCE)
                .pollInterval(Duration.ofMillis(20))
                .until(() -> receiver.acknowledgedAbout(List.of(call)), p -> p.size() == 1)
                .get(0);
    }

    private static List<String> signatures(Push push) {
        return List.of(push.webhookSignature().split(" "));
    }

    record StoredRow(String plain, byte[] encrypted) {}

    private StoredRow row(String id) {
        return db.queryOne(
                "select signing_secret, signing_secret_encrypted from subscription where id = ?::uuid",
                row -> new StoredRow(row.getString(1), row.getBytes(2)),
                id);
    }

    private int execute(String sql, Object... values) {
        return db.update(sql, values);
    }
}
