package io.callingboxgateway.webhook;

import static io.callingboxgateway.testing.SignedWebhook.CURRENT_SECRET;
import static io.callingboxgateway.testing.SignedWebhook.PATH;
import static io.callingboxgateway.testing.SignedWebhook.PREVIOUS_SECRET;
import static io.callingboxgateway.testing.SignedWebhook.envelope;
import static io.callingboxgateway.testing.SignedWebhook.now;
import static io.callingboxgateway.testing.SignedWebhook.post;
import static io.callingboxgateway.testing.SignedWebhook.signature;
import static io.callingboxgateway.testing.SignedWebhook.v1;
import static io.restassured.RestAssured.given;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callingboxgateway.testing.Management;
import io.callingboxgateway.testing.Metrics;
import io.callingboxgateway.testing.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class WebhookResourceTest {

    private static final String PROBLEM = "application/problem+json";
    private static final Instant T1 = Instant.parse("2026-11-28T10:00:05Z");
    private static final Instant T2 = Instant.parse("2026-11-28T10:03:00Z");

    @Inject
    DataSource db;

    @TestHTTPResource(PATH)
    URI webhookUrl;

    // --- accepted ---

    @Test
    void validWebhookCreatesTheCallAsFirstSeenByWebhook() {
        UUID event = UUID.randomUUID();
        UUID call = UUID.randomUUID();

        post(envelope(event, "call.ringing", call, "ringing", T1))
                .statusCode(200)
                .contentType("application/json")
                .body("received", equalTo(true))
                .body("duplicate", equalTo(false))
                .body("outcome", equalTo("created"));

        given().get("/calls/{id}", call)
                .then()
                .statusCode(200)
                .body("status", equalTo("ringing"))
                .body("reconciliation.first_seen_via", equalTo("webhook"));
        assertEquals(
                1,
                StoreRows.scalar(
                        db,
                        "select count(*) from call_event where call_id = ? and source = 'webhook'"
                                + " and upstream_event_id = ?",
                        call,
                        event));
        assertEquals(1, receiptsOf(event));
    }

    @Test
    void redeliveryOfAnEventIsANoOpThatStillSucceeds() {
        UUID event = UUID.randomUUID();
        UUID call = UUID.randomUUID();
        byte[] body = envelope(event, "call.ringing", call, "ringing", T1).getBytes(UTF_8);
        post(body).statusCode(200).body("duplicate", equalTo(false));
        long events = eventsOf(call);

        post(body)
                .statusCode(200)
                .body("received", equalTo(true))
                .body("duplicate", equalTo(true))
                .body("outcome", equalTo("already_received"));

        assertEquals(events, eventsOf(call));
        assertEquals(1, receiptsOf(event));
    }

    @Test
    void outOfOrderWebhooksConvergeOnTheLaterState() {
        UUID call = UUID.randomUUID();

        post(envelope(UUID.randomUUID(), "call.completed", call, "completed", T2))
                .statusCode(200);
        post(envelope(UUID.randomUUID(), "call.ringing", call, "ringing", T1))
                .statusCode(200)
                .body("duplicate", equalTo(false))
                .body("outcome", equalTo("stale"));

        given().get("/calls/{id}", call).then().statusCode(200).body("status", equalTo("completed"));
    }

    @Test
    void unknownFutureTypeWithAValidCallIsApplied() {
        UUID call = UUID.randomUUID();

        post(envelope(UUID.randomUUID(), "call.transferred", call, "in_progress", T1))
                .statusCode(200)
                .body("outcome", equalTo("created"));

        given().get("/calls/{id}", call).then().statusCode(200).body("status", equalTo("in_progress"));
    }

    @Test
    void fieldsCallingBoxAddsLaterAreIgnored() {
        UUID call = UUID.randomUUID();
        String envelope = envelope(UUID.randomUUID(), "call.ringing", call, "ringing", T1)
                .replace("\"api_version\": \"2026-04\",", "\"api_version\": \"2026-04\", \"livemode\": true,")
                .replace("\"status\": \"ringing\",", "\"status\": \"ringing\", \"sentiment\": {\"score\": 0.8},");

        post(envelope).statusCode(200).body("outcome", equalTo("created"));

        given().get("/calls/{id}", call).then().statusCode(200).body("status", equalTo("ringing"));
    }

    @Test
    void previousSecretIsAcceptedDuringARotation() {
        byte[] body = newEnvelope().getBytes(UTF_8);

        post(body, signature(PREVIOUS_SECRET, now(), body)).statusCode(200);
    }

    @Test
    void severalSignaturesOneOfWhichMatches() {
        byte[] body = newEnvelope().getBytes(UTF_8);
        String t = Long.toString(now());

        post(body, "t=" + t + ",v1=" + v1("whsec_retired", t, body) + ",v1=" + v1(CURRENT_SECRET, t, body))
                .statusCode(200);
    }

    @Test
    void jsonWithACharsetAndAnyAcceptHeaderIsTaken() {
        byte[] body = newEnvelope().getBytes(UTF_8);

        given().contentType("application/json; charset=utf-8")
                .accept("text/plain")
                .header("CallingBox-Signature", signature(CURRENT_SECRET, now(), body))
                .body(body)
                .post(PATH)
                .then()
                .statusCode(200)
                .body("received", equalTo(true));
    }

    @Test
    void bodyOfExactlyTheLimitIsAccepted() {
        String envelope = newEnvelope();
        byte[] body = new byte[256 * 1024];
        Arrays.fill(body, (byte) ' '); // trailing whitespace is still the same JSON
        byte[] json = envelope.getBytes(UTF_8);
        System.arraycopy(json, 0, body, 0, json.length);

        post(body).statusCode(200);
    }

    // --- refused, and nothing stored ---

    @Test
    void everySignatureFailureGetsTheSame401AndStoresNothing() {
        byte[] body = newEnvelope().getBytes(UTF_8);
        long t = now();
        String expectedDetail = null;
        String[] headers = {
            "t=" + t, // no v1
            "v1=" + v1(CURRENT_SECRET, Long.toString(t), body), // no t
            "t=yesterday,v1=" + v1(CURRENT_SECRET, "yesterday", body),
            "garbage",
            signature("whsec_wrong", t, body),
            signature(CURRENT_SECRET, t - 1000, body), // stale
            signature(CURRENT_SECRET, t + 1000, body), // from the future
            signature(CURRENT_SECRET, t, "{}".getBytes(UTF_8)), // another body's signature
        };
        for (String header : headers) {
            String detail = assertRefused(() -> post(body, header), 401)
                    .body("title", equalTo("Invalid webhook signature"))
                    .extract()
                    .path("detail");
            expectedDetail = expectedDetail == null ? detail : expectedDetail;
            assertEquals(expectedDetail, detail, "same answer for " + header);
        }
        assertRefused(
                () -> given().contentType("application/json")
                        .body(body)
                        .post(PATH)
                        .then(),
                401);
    }

    @Test
    void emptyBodyIsRefused() {
        byte[] empty = new byte[0];

        assertRefused(
                () -> given().contentType("application/json")
                        .body(empty)
                        .post(PATH)
                        .then(),
                401);
        assertRefused(() -> post(empty), 400).body("detail", equalTo("the body is empty"));
    }

    @Test
    void nonJsonContentTypeIs415() {
        byte[] body = newEnvelope().getBytes(UTF_8);
        String header = signature(CURRENT_SECRET, now(), body);

        assertRefused(
                () -> given().contentType("text/plain")
                        .header("CallingBox-Signature", header)
                        .body(body)
                        .post(PATH)
                        .then(),
                415);
        assertRefused(
                () -> given().header("CallingBox-Signature", header)
                        .body(body)
                        .post(PATH)
                        .then(),
                415);
    }

    @Test
    void aCallWhoseNonKeyFieldsChangedShapeIsStoredWithWhatFits() {
        UUID call = UUID.randomUUID();
        String body = envelope(UUID.randomUUID(), "call.answered", call, "in_progress", T1)
                .replace("\"agent_id\": null", "\"agent_id\": \"agt_x\", \"sentiment\": {\"score\": 0.8}")
                .replace("\"duration_seconds\": null", "\"duration_seconds\": \"12s\"");

        post(body).statusCode(200).body("outcome", equalTo("created"));

        given().get("/calls/{id}", call)
                .then()
                .statusCode(200)
                .body("status", equalTo("in_progress"))
                // served as sent: the value that did not fit its column, and a field added upstream later
                .body("agent_id", equalTo("agt_x"))
                .body("sentiment.score", equalTo(0.8f))
                .body("duration_seconds", equalTo("12s"))
                .body("instructions", equalTo("Confirm the booking"))
                .body("reconciliation.first_seen_via", equalTo("webhook"));
        // from the oldest retained event: other tests' retention runs may have moved it past 0
        given().queryParam("call_id", call.toString())
                .get("/events")
                .then()
                .statusCode(200)
                .body("data[0].call.sentiment.score", equalTo(0.8f))
                .body("data[0].call.agent_id", equalTo("agt_x"));
    }

    @Test
    void signedJsonThatIsNotAnEnvelopeIs400WithTheReason() {
        UUID call = UUID.randomUUID();
        String valid = envelope(UUID.randomUUID(), "call.ringing", call, "ringing", T1);
        String[][] cases = {
            {"{not json", "the body is not valid JSON"},
            {"[1, 2]", "the body is not a CallingBox webhook envelope (a JSON object)"},
            {"\"call.completed\"", "the body is not a CallingBox webhook envelope (a JSON object)"},
            {"null", "the body is not a CallingBox webhook envelope (a JSON object)"},
            {"{}", "id is missing"},
            {
                valid.replaceFirst("\"id\": \"[^\"]+\"", "\"id\": \"not-a-uuid\""),
                "id has a value of the wrong type or format"
            },
            {valid.replace("\"type\": \"call.ringing\", ", ""), "type is missing"},
            {"{\"id\": \"" + UUID.randomUUID() + "\", \"type\": \"call.ringing\", \"data\": {}}", "data.call is missing"
            },
            {valid.replace("\"status\": \"ringing\", ", ""), "data.call.status is missing"},
            {valid.replaceFirst(", \"updated_at\": \"[^\"]+\"", ""), "data.call.updated_at is missing"},
            {
                valid.replaceFirst("\"updated_at\": \"[^\"]+\"", "\"updated_at\": \"not-a-date\""),
                "data.call.updated_at has a value of the wrong type or format"
            },
            {
                valid.replace("\"created_at\": \"2026-11-28T10:00:00Z\"", "\"created_at\": \"yesterday\""),
                "data.call.created_at has a value of the wrong type or format"
            },
            // valid JSON, but PostgreSQL stores no NUL character: refused before anything is written
            {
                valid.replace("\"instructions\": \"Confirm", "\"instructions\": \"\\u0000Confirm"),
                "data.call.instructions holds a NUL character (\\u0000), so the call cannot be stored"
            },
            {
                valid.replace("{\"order\": \"A-17\"}", "{\"order\": [\"A-17\\u0000\"]}"),
                "data.call.metadata holds a NUL character (\\u0000), so the call cannot be stored"
            },
            // a date Java reads but timestamptz does not hold
            {
                valid.replace(
                        "\"created_at\": \"2026-11-28T10:00:00Z\"", "\"created_at\": \"+295000-01-01T00:00:00Z\""),
                "data.call.created_at lies outside the dates PostgreSQL stores (4714 BC to 294276 AD), so the call"
                        + " cannot be stored"
            },
        };
        for (String[] c : cases) {
            assertRefused(() -> post(c[0]), 400)
                    .body("title", equalTo("Not a CallingBox webhook"))
                    .body("detail", equalTo(c[1]));
        }
    }

    @Test
    void bodyOverTheLimitIs413AndNothingIsStored() {
        byte[] body = new byte[256 * 1024 + 1];
        Arrays.fill(body, (byte) ' ');
        byte[] json = newEnvelope().getBytes(UTF_8);
        System.arraycopy(json, 0, body, 0, json.length);

        assertRefused(() -> post(body), 413).body("detail", containsString("262144 bytes"));
    }

    @Test
    void chunkedBodyOverTheLimitIsCutOffWhileArriving() throws Exception {
        byte[] body = new byte[600 * 1024];
        Arrays.fill(body, (byte) ' ');
        StoreRows before = StoreRows.count(db);
        HttpRequest request = HttpRequest.newBuilder(webhookUrl)
                .header("Content-Type", "application/json")
                .header("CallingBox-Signature", signature(CURRENT_SECRET, now(), body))
                // a stream of unknown length goes out chunked: no Content-Length to refuse up front
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
                .build();

        HttpResponse<String> response = send(request);

        assertEquals(413, response.statusCode());
        assertEquals(PROBLEM, response.headers().firstValue("Content-Type").orElse(null));
        assertEquals(before, StoreRows.count(db));
    }

    @Test
    void aClientThatOffersHttp2IsServedOverHttp1() throws Exception {
        // java.net.http offers an h2c upgrade on its first request by default, as many clients do
        byte[] body = newEnvelope().getBytes(UTF_8);
        HttpRequest request = HttpRequest.newBuilder(webhookUrl)
                .header("Content-Type", "application/json")
                .header("CallingBox-Signature", signature(CURRENT_SECRET, now(), body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();

        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());

        assertEquals(200, response.statusCode(), response.body());
        assertEquals(HttpClient.Version.HTTP_1_1, response.version());
    }

    @Test
    void clientThatAsksBeforeSendingIsToldToContinue() throws Exception {
        byte[] body = newEnvelope().getBytes(UTF_8);
        try (Socket socket = new Socket(webhookUrl.getHost(), webhookUrl.getPort())) {
            socket.setSoTimeout(30_000);
            writeHead(socket, body.length, signature(CURRENT_SECRET, now(), body));

            assertTrue(readHead(socket).startsWith("HTTP/1.1 100 "));
            socket.getOutputStream().write(body);
            assertTrue(readHead(socket).startsWith("HTTP/1.1 200 "));
        }
    }

    @Test
    void clientThatAsksBeforeSendingTooMuchIsRefusedBeforeItSends() throws Exception {
        StoreRows before = StoreRows.count(db);
        try (Socket socket = new Socket(webhookUrl.getHost(), webhookUrl.getPort())) {
            socket.setSoTimeout(30_000);
            // a plausible signature header: only the size is wrong, and it is judged before the body
            writeHead(socket, 300 * 1024, signature(CURRENT_SECRET, now(), new byte[0]));

            String head = readHead(socket);

            assertTrue(head.startsWith("HTTP/1.1 413 "), head);
            assertTrue(head.toLowerCase(Locale.ROOT).contains("content-type: " + PROBLEM), head);
            // the problem, then the end of the connection: the body it asked about will never come
            String rest = new String(socket.getInputStream().readAllBytes(), UTF_8);
            assertTrue(rest.contains("payload-too-large"), rest);
        }
        assertEquals(before, StoreRows.count(db));
    }

    // --- refused before the body is read ---

    @Test
    void aRequestThatCannotVerifyIsRefusedFromItsHeadersWithoutWaitingForItsBody() throws Exception {
        String[][] cases = {
            // {content type, signature header or null, expected status}
            {"application/json", null, "401"},
            {"application/json", "garbage", "401"},
            {"application/json", "t=1,v1=00", "401"}, // dated outside the window
            {"application/json", "t=" + (now() + 1000) + ",v1=00", "401"},
            {"text/plain", signature(CURRENT_SECRET, now(), new byte[0]), "415"},
        };
        for (String[] c : cases) {
            StoreRows before = StoreRows.count(db);
            try (Socket socket = new Socket(webhookUrl.getHost(), webhookUrl.getPort())) {
                // the body is announced but never sent: an answer can only come from the headers
                socket.setSoTimeout(10_000);
                String head = "POST " + PATH + " HTTP/1.1\r\n"
                        + "Host: localhost\r\n"
                        + "Content-Type: " + c[0] + "\r\n"
                        + "Content-Length: 200000\r\n"
                        + (c[1] == null ? "" : "CallingBox-Signature: " + c[1] + "\r\n")
                        + "\r\n";
                socket.getOutputStream().write(head.getBytes(UTF_8));
                socket.getOutputStream().flush();

                String answer = readHead(socket);
                assertTrue(answer.startsWith("HTTP/1.1 " + c[2] + " "), c[1] + ": " + answer);
                String lower = answer.toLowerCase(Locale.ROOT);
                assertTrue(lower.contains("content-type: " + PROBLEM), answer);
                assertTrue(lower.contains("connection: close"), answer);
                // then the server ends the connection instead of waiting for the 200000 bytes
                String rest = new String(socket.getInputStream().readAllBytes(), UTF_8);
                assertTrue(rest.contains("\"status\":" + c[2]), rest);
            }
            assertEquals(before, StoreRows.count(db));
        }
    }

    @Test
    void aBodyThatStopsArrivingIs408AndTheConnectionClosed() throws Exception {
        byte[] body = newEnvelope().getBytes(UTF_8);
        StoreRows before = StoreRows.count(db);
        try (Socket socket = new Socket(webhookUrl.getHost(), webhookUrl.getPort())) {
            socket.setSoTimeout(15_000); // the test profile's body timeout is 2 s
            String head = "POST " + PATH + " HTTP/1.1\r\n"
                    + "Host: localhost\r\n"
                    + "Content-Type: application/json\r\n"
                    + "Content-Length: " + body.length + "\r\n"
                    + "CallingBox-Signature: " + signature(CURRENT_SECRET, now(), body) + "\r\n\r\n";
            socket.getOutputStream().write(head.getBytes(UTF_8));
            socket.getOutputStream().write(body, 0, 10); // a few bytes, then nothing
            socket.getOutputStream().flush();

            String answer = readHead(socket);

            assertTrue(answer.startsWith("HTTP/1.1 408 "), answer);
            assertTrue(answer.toLowerCase(Locale.ROOT).contains("content-type: " + PROBLEM), answer);
            String rest = new String(socket.getInputStream().readAllBytes(), UTF_8); // ends: closed
            assertTrue(rest.contains("request-timeout"), rest);
        }
        assertEquals(before, StoreRows.count(db));
    }

    @Test
    void aBodyThatArrivesInPiecesWithinTheDeadlineIsAccepted() throws Exception {
        byte[] body = newEnvelope().getBytes(UTF_8);
        try (Socket socket = new Socket(webhookUrl.getHost(), webhookUrl.getPort())) {
            socket.setSoTimeout(15_000);
            String head = "POST " + PATH + " HTTP/1.1\r\n"
                    + "Host: localhost\r\n"
                    + "Content-Type: application/json\r\n"
                    + "Content-Length: " + body.length + "\r\n"
                    + "CallingBox-Signature: " + signature(CURRENT_SECRET, now(), body) + "\r\n\r\n";
            socket.getOutputStream().write(head.getBytes(UTF_8));
            socket.getOutputStream().flush();
            socket.getOutputStream().write(body, 0, 10);
            socket.getOutputStream().flush();
            socket.getOutputStream().write(body, 10, body.length - 10);
            socket.getOutputStream().flush();

            String answer = readHead(socket);

            assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
        }
    }

    @Test
    void openApiDescribesTheEndpoint() {
        Management.given().get("/q/openapi").then().statusCode(200).body(containsString(PATH));
    }

    @Test
    void metricsCountWhatHappened() {
        String received = "gateway_webhooks_received_total{type=\"call.ringing\"}";
        String duplicates = "gateway_webhooks_duplicates_total";
        String badSignature = "gateway_webhooks_rejected_total{reason=\"signature\"}";
        String stale = "gateway_webhooks_rejected_total{reason=\"timestamp\"}";
        String verified = "gateway_webhooks_verified_total{secret_index=\"0\"}";
        String skews = "gateway_webhooks_signature_skew_seconds_count";
        double receivedBefore = Metrics.value(received);
        double duplicatesBefore = Metrics.value(duplicates);
        double badSignatureBefore = Metrics.value(badSignature);
        double staleBefore = Metrics.value(stale);
        double verifiedBefore = Metrics.value(verified);
        double skewsBefore = Metrics.value(skews);

        String envelope = newEnvelope();
        post(envelope).statusCode(200).body("duplicate", equalTo(false));
        post(envelope).statusCode(200).body("duplicate", equalTo(true));
        byte[] forged = newEnvelope().getBytes(UTF_8);
        post(forged, signature("whsec_not_ours", now(), forged)).statusCode(401);
        post("{}".getBytes(UTF_8), "t=1,v1=00").statusCode(401);

        assertEquals(receivedBefore + 2, Metrics.value(received), "both deliveries were accepted");
        assertEquals(duplicatesBefore + 1, Metrics.value(duplicates), "the second was a redelivery");
        assertEquals(badSignatureBefore + 1, Metrics.value(badSignature), "the forgery was refused");
        assertEquals(staleBefore + 1, Metrics.value(stale), "the stale signature was refused");
        assertEquals(verifiedBefore + 2, Metrics.value(verified), "two signatures verified with secret 0");
        assertEquals(skewsBefore + 2, Metrics.value(skews), "and their skew recorded");
        assertTrue(Metrics.value("gateway_webhooks_since_last_accepted_seconds") >= 0, "accepted at last");
        Management.given()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                // every reason shows from the start, so an alert on it has a series before the first refusal
                .body(containsString("gateway_webhooks_rejected_total{reason=\"body_timeout\"}"))
                .body(not(containsString("fingerprint")));
    }

    private void writeHead(Socket socket, int contentLength, String signatureHeader) throws Exception {
        String head = "POST " + PATH + " HTTP/1.1\r\n"
                + "Host: localhost\r\n"
                + "Content-Type: application/json\r\n"
                + "Content-Length: " + contentLength + "\r\n"
                + "CallingBox-Signature: " + signatureHeader + "\r\n"
                + "Expect: 100-continue\r\n\r\n";
        socket.getOutputStream().write(head.getBytes(UTF_8));
        socket.getOutputStream().flush();
    }

    /** The status line and headers of the next response on this connection. */
    private static String readHead(Socket socket) throws Exception {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = socket.getInputStream().read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        return head.toString();
    }

    private static HttpResponse<String> send(HttpRequest request) throws Exception {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .build()
                .send(request, HttpResponse.BodyHandlers.ofString());
    }

    private ValidatableResponse assertRefused(Supplier<ValidatableResponse> request, int status) {
        StoreRows before = StoreRows.count(db);
        ValidatableResponse response =
                request.get().statusCode(status).contentType(PROBLEM).body("status", equalTo(status));
        assertEquals(before, StoreRows.count(db), "nothing stored by a " + status);
        return response;
    }

    private static String newEnvelope() {
        return envelope(UUID.randomUUID(), "call.ringing", UUID.randomUUID(), "ringing", T1);
    }

    private long eventsOf(UUID call) {
        return StoreRows.scalar(db, "select count(*) from call_event where call_id = ?", call);
    }

    private long receiptsOf(UUID event) {
        return StoreRows.scalar(db, "select count(*) from webhook_receipt where event_id = ?", event);
    }
}
