package io.callingboxgateway.subscriptions.delivery;

import static io.callingboxgateway.testing.TestCredentials.bearer;
import static io.callingboxgateway.testing.TestCredentials.issue;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.callingboxgateway.events.EventSourceConfig;
import io.callingboxgateway.reconcile.Reconciler;
import io.callingboxgateway.reconcile.Source;
import io.callingboxgateway.subscriptions.SubscriptionApi;
import io.callingboxgateway.testing.CallBuilder;
import io.callingboxgateway.testing.CloudEventsSdk;
import io.callingboxgateway.testing.Feed;
import io.callingboxgateway.testing.PostgresResource;
import io.callingboxgateway.testing.Receiver;
import io.callingboxgateway.testing.Receiver.Push;
import io.callingboxgateway.testing.TestDatabase;
import io.cloudevents.CloudEvent;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A subscription with {@code "format": "cloudevents"} receives each event as one CloudEvent per
 * request in structured mode, signed with the same Standard Webhooks headers; the default format
 * ({@code gateway}) is the one pushes always had.
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class CloudEventsPushTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final String PHONE = "+15550100001";
    private static final String STRUCTURED = "application/cloudevents+json";

    @Inject
    Reconciler reconciler;

    @Inject
    TestDatabase db;

    @Inject
    EventSourceConfig config;

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
    void eachPushIsOneStructuredCloudEventOfTheMaskedEventSignedAsBefore() throws Exception {
        JsonPath created = JsonPath.from(SubscriptionApi.create(Map.of("url", receiver.url(), "format", "cloudevents"))
                .statusCode(201)
                .body("format", equalTo("cloudevents"))
                .extract()
                .asString());

        Push push = pushOfANewCall();
        assertTrue(push.contentType().startsWith(STRUCTURED), push.contentType());
        CloudEvent event = CloudEventsSdk.parse(push.body());
        assertEquals("evt_" + event.getId(), push.webhookId(), "webhook-id is the event's, as before");
        assertTrue(push.verifies(created.getString("signing_secret")), "Standard Webhooks signature over the body");
        String body = new String(push.body(), UTF_8);
        assertFalse(body.contains(PHONE), body);
        String masked = issue("ce-push-masked", "events:read");
        CloudEventsSdk.assertMaps(
                Feed.item(bearer(masked), Long.parseLong(event.getId())), event, config.eventSource());
        assertEquals("io.callingbox.call.created", event.getType());
    }

    @Test
    void withPersonalDataTheCloudEventCarriesTheCallWhole() throws Exception {
        SubscriptionApi.create(Map.of("url", receiver.url(), "format", "cloudevents", "include_personal_data", true))
                .statusCode(201);

        Push push = pushOfANewCall();
        JsonNode data = CloudEventsSdk.data(CloudEventsSdk.parse(push.body()));
        assertEquals(PHONE, data.get("call").get("to_number").asText());
        assertFalse(data.get("call").has("redacted"));
    }

    @Test
    void theDefaultFormatIsTheGatewaysOwnAndPatchSwitchesIt() throws Exception {
        String id = SubscriptionApi.create(Map.of("url", receiver.url()))
                .statusCode(201)
                .body("format", equalTo("gateway"))
                .extract()
                .path("id");
        Push before = pushOfANewCall();
        assertTrue(before.contentType().startsWith("application/json"), before.contentType());
        assertFalse(before.event().has("specversion"));
        assertEquals(before.callId(), before.event().get("call_id").asText());

        SubscriptionApi.patch(id, Map.of("format", "cloudevents"))
                .statusCode(200)
                .body("format", equalTo("cloudevents"));
        Push after = pushOfANewCall();
        assertTrue(after.contentType().startsWith(STRUCTURED), after.contentType());
        assertEquals(after.callId(), CloudEventsSdk.parse(after.body()).getSubject());

        SubscriptionApi.patch(id, Map.of("format", "json", "description", "not applied"))
                .statusCode(400)
                .contentType("application/problem+json")
                .body("parameter", equalTo("format"));
        assertEquals(
                "cloudevents",
                SubscriptionApi.state(new SubscriptionApi.Subscribed(id, null)).getString("format"));
        assertEquals(
                null,
                SubscriptionApi.state(new SubscriptionApi.Subscribed(id, null)).getString("description"),
                "a refused PATCH changes nothing");
    }

    @Test
    void anUnknownFormatIsRefusedNamingFormatAndCreatesNothing() {
        SubscriptionApi.create(Map.of("url", receiver.url(), "format", "CloudEvents"))
                .statusCode(400)
                .contentType("application/problem+json")
                .body("parameter", equalTo("format"))
                .body("detail", containsString("valid formats: gateway, cloudevents"));
        assertEquals(0, db.queryLong("select count(*) from subscription"));
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
