package io.callingboxgateway.events;

import static io.callingboxgateway.model.CallField.STATUS;
import static io.callingboxgateway.model.CallField.UPDATED_AT;
import static io.callingboxgateway.testing.TestCredentials.bearer;
import static io.callingboxgateway.testing.TestCredentials.issue;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callingboxgateway.reconcile.Reconciler;
import io.callingboxgateway.reconcile.Source;
import io.callingboxgateway.testing.CallBuilder;
import io.callingboxgateway.testing.CloudEventsSdk;
import io.callingboxgateway.testing.Management;
import io.callingboxgateway.testing.PostgresResource;
import io.callingboxgateway.testing.TestDatabase;
import io.cloudevents.CloudEvent;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code ?format=cloudevents} on the feed and the stream: each event a CloudEvent 1.0 in structured
 * JSON form, as the CloudEvents SDK reads it, paging unchanged, masked for readers without pii:read.
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class CloudEventReadsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration A_WHILE = Duration.ofSeconds(10);
    private static final String PHONE = "+15550100001";
    private static final String SPOKEN = "Confirm tomorrow's appointment";

    private static String maskedKey;

    @Inject
    Reconciler reconciler;

    @Inject
    TestDatabase db;

    @Inject
    EventSourceConfig config;

    @TestHTTPResource("/events/stream")
    URI stream;

    private UUID call;
    private long head;

    /** One call with personal data, in two events: created, then its status changed. */
    @BeforeEach
    void aCallOfTwoEvents() {
        if (maskedKey == null) {
            maskedKey = issue("ce-masked", "events:read");
        }
        head = db.head();
        call = UUID.randomUUID();
        Instant at = Instant.now().truncatedTo(ChronoUnit.MICROS);
        var queued = CallBuilder.queued(call, at).build();
        reconciler.apply(queued, Source.POLL, null);
        reconciler.apply(
                CallBuilder.next(queued, c -> c.set(STATUS, "in_progress").set(UPDATED_AT, at.plusSeconds(10))),
                Source.WEBHOOK,
                UUID.randomUUID());
        assertEquals(head + 2, db.head(), "two events");
    }

    @Test
    void eachItemOfAPageIsTheEventAsACloudEventAndPagingIsUnchanged() throws Exception {
        String query = "/events?limit=1&call_id=" + call + "&after=" + head;
        JsonNode gateway = read(given(), query);
        JsonNode cloud = read(given(), query + "&format=cloudevents");

        assertEquals(gateway.get("next_cursor"), cloud.get("next_cursor"));
        assertEquals(gateway.get("has_more"), cloud.get("has_more"));
        assertTrue(cloud.get("has_more").asBoolean());
        assertEquals(1, cloud.get("data").size());
        CloudEvent first = CloudEventsSdk.parse(cloud.get("data").get(0));
        CloudEventsSdk.assertMaps(gateway.get("data").get(0), first, config.eventSource());
        assertEquals("io.callingbox.call.created", first.getType());
        assertEquals(call.toString(), first.getSubject());

        String next = "/events?limit=1&call_id=" + call + "&after="
                + cloud.get("next_cursor").asText();
        JsonNode secondGateway = read(given(), next);
        CloudEvent second = CloudEventsSdk.parse(
                read(given(), next + "&format=cloudevents").get("data").get(0));
        CloudEventsSdk.assertMaps(secondGateway.get("data").get(0), second, config.eventSource());
        assertEquals("io.callingbox.call.status_changed", second.getType());
        assertEquals(Long.parseLong(first.getId()) + 1, Long.parseLong(second.getId()));
    }

    @Test
    void theDefaultFormatIsTheGatewaysOwnAndNamingItChangesNothing() throws Exception {
        String query = "/events?call_id=" + call + "&after=" + head;
        JsonNode unnamed = read(given(), query);
        assertEquals(unnamed, read(given(), query + "&format=gateway"));
        assertEquals(call.toString(), unnamed.get("data").get(0).get("call_id").asText());
        assertFalse(unnamed.get("data").get(0).has("specversion"));
    }

    @Test
    void aReaderWithoutPiiReadGetsTheMaskedEventAsData() throws Exception {
        String query = "/events?call_id=" + call + "&after=" + head;
        String body = bearer(maskedKey)
                .get(query + "&format=cloudevents")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertFalse(body.contains(PHONE), body);
        assertFalse(body.contains(SPOKEN), body);
        JsonNode masked = read(bearer(maskedKey), query);
        JsonNode data = CloudEventsSdk.data(
                CloudEventsSdk.parse(JSON.readTree(body).get("data").get(0)));
        assertEquals(masked.get("data").get(0), data, "the data is the event as this reader may see it");
        assertTrue(data.get("call").get("redacted").asBoolean());

        JsonNode whole = CloudEventsSdk.data(CloudEventsSdk.parse(
                read(given(), query + "&format=cloudevents").get("data").get(0)));
        assertEquals(PHONE, whole.get("call").get("to_number").asText(), "pii:read sees the call whole");
    }

    @Test
    void eachStreamedEventIsACloudEventWithTheEventIdAsItsSseId() throws Exception {
        JsonNode feed = read(given(), "/events?call_id=" + call + "&after=" + head);
        try (SseClient client =
                SseClient.open(URI.create(stream + "?format=cloudevents&call_id=" + call + "&after=" + head))) {
            assertEquals(200, client.status);
            await().atMost(A_WHILE).until(() -> client.messages.size() == 2);
            for (int i = 0; i < 2; i++) {
                SseClient.Message message = client.messages.get(i);
                CloudEvent event = CloudEventsSdk.parse(message.data());
                assertEquals(message.id(), event.getId(), "Last-Event-ID resumes as before");
                CloudEventsSdk.assertMaps(feed.get("data").get(i), event, config.eventSource());
            }
        }
    }

    @Test
    void aStreamForAReaderWithoutPiiReadCarriesMaskedCloudEvents() throws Exception {
        URI uri = URI.create(stream + "?format=cloudevents&call_id=" + call + "&after=" + head);
        try (SseClient client = SseClient.open(uri, Map.of("Authorization", "Bearer " + maskedKey))) {
            await().atMost(A_WHILE).until(() -> client.messages.size() == 2);
            for (SseClient.Message message : client.messages) {
                assertFalse(message.data().contains(PHONE), message.data());
                JsonNode data = CloudEventsSdk.data(CloudEventsSdk.parse(message.data()));
                assertTrue(data.get("call").get("redacted").asBoolean());
            }
        }
    }

    @Test
    void anUnknownFormatIsA400NamingFormat() {
        given().get("/events?format=cloudevent")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:callingbox-gateway:problem:invalid-parameter"))
                .body("parameter", equalTo("format"))
                .body("detail", containsString("gateway, cloudevents"));
        EventStreamTest.assertProblem(URI.create(stream + "?format=xml"), Map.of(), 400, "format");
    }

    @Test
    void openApiDocumentsTheFormatParameterAndTheSubscriptionField() {
        Management.given()
                .queryParam("format", "json")
                .get("/q/openapi")
                .then()
                .statusCode(200)
                .body("paths.'/events'.get.parameters.name", hasItem("format"))
                .body("paths.'/events/stream'.get.parameters.name", hasItem("format"))
                .body(
                        "components.schemas.CloudEventPage.properties.keySet()",
                        hasItems("data", "next_cursor", "has_more"))
                .body("components.schemas.SubscriptionRequest.properties.keySet()", hasItem("format"))
                .body("components.schemas.SubscriptionPatch.properties.keySet()", hasItem("format"))
                .body("components.schemas.SubscriptionView.properties.keySet()", hasItem("format"));
    }

    private static JsonNode read(RequestSpecification as, String path) throws Exception {
        return JSON.readTree(as.get(path).then().statusCode(200).extract().asString());
    }
}
