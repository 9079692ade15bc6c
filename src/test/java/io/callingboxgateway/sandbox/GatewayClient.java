package io.callingboxgateway.sandbox;

import static io.callingboxgateway.sandbox.SandboxTesting.reparsed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.callingboxgateway.testing.Metrics;
import io.callingboxgateway.testing.TestCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The gateway's port as its users meet it: a CallingBox customer placing calls on the simulator served
 * there, and consumers reading a call, the event feed, a call's decision history and (on the management
 * interface) the Prometheus scrape. Also the comparison of a call with the simulator's ground truth.
 *
 * <p>It speaks through the JDK's HTTP client rather than RestAssured: the runs read thousands of
 * calls and events, and RestAssured's Groovy machinery cost as much CPU as the gateway itself.
 */
final class GatewayClient {

    /** The gateway's own facts about a call, the one part of a served call CallingBox knows nothing of. */
    static final String RECONCILIATION = "reconciliation";

    private static final int FEED_PAGE = 500;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final String root;

    GatewayClient(int port) {
        this.root = "http://localhost:" + port;
    }

    /** A status and, when there is one, the JSON body. */
    record Reply(int status, JsonNode body) {}

    Reply get(String path) {
        return send(HttpRequest.newBuilder(URI.create(root + path))
                .header("Authorization", TestCredentials.AUTHORIZATION)
                .GET());
    }

    Reply post(String path, String authorization, String json) {
        return send(HttpRequest.newBuilder(URI.create(root + path))
                .header("Authorization", authorization)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    private Reply send(HttpRequest.Builder request) {
        HttpResponse<byte[]> response = exchange(request, HttpResponse.BodyHandlers.ofByteArray());
        byte[] body = response.body();
        return new Reply(response.statusCode(), body.length == 0 ? null : SandboxTesting.body(body));
    }

    private <T> HttpResponse<T> exchange(HttpRequest.Builder request, HttpResponse.BodyHandler<T> body) {
        try {
            return http.send(request.timeout(TIMEOUT).build(), body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Dispatches an outbound call through the simulated CallingBox API, as a CallingBox customer would;
     * with an inline webhook to the gateway's own receiver when asked.
     */
    String placeCall(String to, boolean inlineWebhook) {
        String webhookUrl = inlineWebhook ? ", \"webhook_url\": \"" + root + "/webhooks/callingbox\"" : "";
        Reply reply = post(
                SandboxTesting.API + "/calls",
                "Bearer " + SandboxDefaults.API_KEY,
                "{\"agent_id\": \"" + SandboxDefaults.OUTBOUND_AGENT_ID + "\", \"to\": \"" + to + "\"" + webhookUrl
                        + "}");
        assertEquals(201, reply.status(), "the simulator accepts a call to " + to);
        return reply.body().get("id").asText();
    }

    boolean knows(String id) {
        return get("/calls/" + id).status() == 200;
    }

    JsonNode call(String id) {
        Reply reply = get("/calls/" + id);
        assertEquals(200, reply.status(), "the gateway knows call " + id);
        return reply.body();
    }

    /** The decisions of {@code GET /calls/{id}/events}, oldest first. */
    JsonNode decisions(String id) {
        Reply reply = get("/calls/" + id + "/events");
        assertEquals(200, reply.status(), "the gateway has a history of call " + id);
        return reply.body().get("data");
    }

    /** Where the feed stands now: a filter that matches nothing still answers the feed's head as its cursor. */
    String feedHead() {
        Reply reply = get("/events?call_id=" + UUID.randomUUID());
        assertEquals(200, reply.status(), "the event feed answers");
        return reply.body().get("next_cursor").asText();
    }

    /** Every event after the cursor, grouped by call, each call's in feed order. */
    Map<String, List<JsonNode>> eventsAfter(String cursor) {
        Map<String, List<JsonNode>> byCall = new LinkedHashMap<>();
        String after = cursor;
        boolean more = true;
        while (more) {
            Reply reply =
                    get("/events?limit=" + FEED_PAGE + "&after=" + URLEncoder.encode(after, StandardCharsets.UTF_8));
            assertEquals(200, reply.status(), "the event feed answers after " + after);
            for (JsonNode event : reply.body().get("data")) {
                byCall.computeIfAbsent(event.get("call_id").asText(), id -> new ArrayList<>())
                        .add(event);
            }
            after = reply.body().get("next_cursor").asText();
            more = reply.body().get("has_more").asBoolean();
        }
        return byCall;
    }

    /** One value of the Prometheus scrape, e.g. {@code gateway_webhooks_rejected_total{reason="signature"}}. */
    double metric(String series) {
        return Metrics.value(series);
    }

    /**
     * A call as the gateway shows it equals the simulator's call: the same fields (the gateway's own
     * {@code reconciliation} object aside), each with the same value; timestamps as instants, since
     * the gateway may spell them differently.
     */
    static void assertSameCall(String where, JsonNode truth, JsonNode shown) {
        Set<String> expectedFields = fieldNames(truth);
        Set<String> shownFields = fieldNames(shown);
        shownFields.remove(RECONCILIATION);
        assertEquals(expectedFields, shownFields, where + ": the fields of the call object");
        for (Iterator<Map.Entry<String, JsonNode>> fields = truth.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            assertSameValue(where + " field " + field.getKey(), reparsed(field.getValue()), shown.get(field.getKey()));
        }
    }

    private static void assertSameValue(String where, JsonNode expected, JsonNode actual) {
        if (expected.isNull()) {
            assertTrue(actual == null || actual.isNull(), where + ": expected null, was " + actual);
        } else if (where.endsWith("_at")) {
            assertTrue(actual != null && actual.isTextual(), where + ": expected a timestamp, was " + actual);
            assertEquals(Instant.parse(expected.asText()), Instant.parse(actual.asText()), where);
        } else {
            assertEquals(expected, actual, where);
        }
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
