package io.callingboxgateway.subscriptions.delivery;

import static io.callingboxgateway.testing.TestCredentials.bearer;
import static io.callingboxgateway.testing.TestCredentials.issue;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.callingboxgateway.reconcile.Reconciler;
import io.callingboxgateway.reconcile.Source;
import io.callingboxgateway.subscriptions.SubscriptionApi;
import io.callingboxgateway.testing.CallBuilder;
import io.callingboxgateway.testing.Feed;
import io.callingboxgateway.testing.PostgresResource;
import io.callingboxgateway.testing.Receiver;
import io.callingboxgateway.testing.Receiver.Push;
import io.callingboxgateway.testing.TestDatabase;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Pushes carry personal data only for a subscription created with {@code include_personal_data} by a
 * credential holding pii:read; every other subscription receives what a reader without pii:read sees.
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class PersonalDataPushTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final String FORBIDDEN = "urn:callingbox-gateway:problem:forbidden";

    @Inject
    Reconciler reconciler;

    @Inject
    TestDatabase db;

    private Receiver receiver;

    @BeforeEach
    void noSubscriptions() {
        db.update("delete from subscription");
        receiver = Receiver.start();
    }

    @AfterEach
    void cleanUp() {
        db.update("delete from subscription");
        receiver.close();
    }

    @Test
    void aSubscriptionByDefaultReceivesTheEventMaskedAsAReaderWithoutPiiReadSeesIt() throws Exception {
        String created = SubscriptionApi.create(Map.of("url", receiver.url()))
                .statusCode(201)
                .body("include_personal_data", equalTo(false))
                .extract()
                .path("id");

        Push push = pushOfANewCall();
        JsonNode call = push.event().get("call");
        assertEquals("+1•••••••0001", call.get("to_number").asText());
        assertTrue(call.get("prompt").isNull());
        assertTrue(call.get("instructions").isNull());
        assertTrue(call.get("redacted").asBoolean());
        String body = new String(push.body(), java.nio.charset.StandardCharsets.UTF_8);
        assertFalse(body.contains("+15550100001"), body);
        assertFalse(body.contains("Confirm tomorrow"), body);
        String masked = issue("masked-follower", "events:read");
        assertEquals(
                Feed.item(bearer(masked), push.eventId()),
                push.event(),
                "the push is the feed as a masked reader sees it");
        assertEquals(
                false,
                SubscriptionApi.state(new SubscriptionApi.Subscribed(created, null))
                        .getBoolean("include_personal_data"));
    }

    @Test
    void aSubscriptionWithPersonalDataReceivesTheEventWhole() throws Exception {
        SubscriptionApi.subscribeWithPersonalData(receiver.url(), List.of("*"));

        Push push = pushOfANewCall();
        JsonNode call = push.event().get("call");
        assertEquals("+15550100001", call.get("to_number").asText());
        assertEquals("Confirm tomorrow's appointment", call.get("instructions").asText());
        assertFalse(call.has("redacted"));
    }

    @Test
    void includingPersonalDataNeedsPiiReadAndIsRefusedWithoutCreatingAnything() {
        String writer = issue("pii-less-writer", "subscriptions:write");
        Map<String, Object> body = Map.of("url", receiver.url(), "include_personal_data", true);
        bearer(writer)
                .contentType("application/json")
                .body(body)
                .post("/subscriptions")
                .then()
                .statusCode(403)
                .contentType("application/problem+json")
                .body("type", equalTo(FORBIDDEN))
                .body("detail", equalTo("include_personal_data needs a credential with the pii:read scope"));
        assertEquals(0, db.queryLong("select count(*) from subscription"));

        String privileged = issue("pii-writer", "subscriptions:write", "pii:read");
        bearer(privileged)
                .contentType("application/json")
                .body(body)
                .post("/subscriptions")
                .then()
                .statusCode(201)
                .body("include_personal_data", equalTo(true));
    }

    private Push pushOfANewCall() {
        UUID call = UUID.randomUUID();
        reconciler.apply(
                CallBuilder.queued(call, Instant.now().truncatedTo(ChronoUnit.MICROS))
                        .build(),
                Source.POLL,
                null);
        return receiver.awaitOnlyPushAbout(call, PATIENCE);
    }
}
