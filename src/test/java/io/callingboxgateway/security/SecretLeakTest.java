package io.callingboxgateway.security;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.callingboxgateway.model.CallField.CONTEXT;
import static io.callingboxgateway.model.CallField.METADATA;
import static io.callingboxgateway.model.CallField.PROMPT;
import static io.callingboxgateway.model.CallField.RESULT;
import static io.restassured.RestAssured.given;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.callingboxgateway.model.CallSnapshot;
import io.callingboxgateway.testing.CallBuilder;
import io.callingboxgateway.testing.CallingBoxWireMock;
import io.callingboxgateway.testing.Metrics;
import io.callingboxgateway.testing.PostgresResource;
import io.callingboxgateway.testing.SignedWebhook;
import io.callingboxgateway.testing.TestCredentials;
import io.callingboxgateway.testing.TestDatabase;
import io.callingboxgateway.upstream.CallingBoxClient;
import io.callingboxgateway.upstream.UpstreamFixtures;
import io.callingboxgateway.upstream.poll.Poller;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A whole day of the gateway in one scenario, with distinctive secrets and phone numbers: signed webhooks
 * (current and previous secret), a bad signature, a poll and a refresh against the fake CallingBox (with
 * its API key), a CallingBox that refuses, subscriptions pushed to a healthy, a failing and an unreachable
 * subscriber. Then every line the gateway logged meanwhile (the test profile also logs to a file, the
 * gateway's own categories at DEBUG) is searched for each secret, key, full phone number and piece of
 * conversation content, and so are the metrics' series and labels: none may be there.
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = CallingBoxWireMock.class, scope = TestResourceScope.GLOBAL)
class SecretLeakTest {

    // Numbers no other test uses, so a hit can only come from this scenario
    static final String WEBHOOK_TO = "+14155550137";
    static final String WEBHOOK_FROM = "+14155550142";
    static final String POLLED_TO = "+442079460173";
    static final String POLLED_FROM = "+14155550188";
    // Conversation content no other test uses: personal data too, never to be logged
    static final String WEBHOOK_INSTRUCTIONS = "Remind Grace Hopper (leaktest 7f3a) of her biopsy";
    static final String WEBHOOK_METADATA = "leaktest-order-5e21";
    static final String POLLED_PROMPT = "You are calling Alan Turing about leaktest 9c41";
    static final String POLLED_CONTEXT = "leaktest-context-6b03";
    static final String POLLED_RESULT = "leaktest-result-2d87";
    static final String NOT_THE_GATEWAYS_SECRET = "whsec_leaktest_an_attackers_guess_5b1e";

    static final Duration PATIENCE = Duration.ofSeconds(30);

    @Inject
    Poller poller;

    @Inject
    EntityManager em;

    @Inject
    ObjectMapper json;

    @Inject
    CircuitBreakerMaintenance breakers;

    @Inject
    TestDatabase db;

    /** What must never be in a log line, by a name a failure can show instead of the value. */
    private final Map<String, String> secrets = new LinkedHashMap<>();

    private final List<HttpServer> subscribers = new ArrayList<>();
    private final List<String> subscriptions = new ArrayList<>();

    @BeforeAll
    static void logFailures() {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    @BeforeEach
    void cleanSlate() {
        UpstreamFixtures.emptyStore(em);
        CallingBoxWireMock.server().resetAll();
        breakers.reset(CallingBoxClient.BREAKER);
    }

    @AfterEach
    void cleanUp() {
        subscriptions.forEach(id -> given().delete("/subscriptions/" + id));
        subscribers.forEach(server -> server.stop(0));
        CallingBoxWireMock.server().resetAll();
        breakers.reset(CallingBoxClient.BREAKER);
    }

    @Test
    void noSecretKeyOrPhoneNumberReachesTheLog() throws Exception {
        Path log = Path.of(ConfigProvider.getConfig().getValue("quarkus.log.handler.file.\"scan\".path", String.class));
        long start = Files.exists(log) ? Files.size(log) : 0;
        secrets.put("webhook secret (current)", SignedWebhook.CURRENT_SECRET);
        secrets.put("webhook secret (previous)", SignedWebhook.PREVIOUS_SECRET);
        secrets.put("CallingBox API key", CallingBoxWireMock.API_KEY);
        secrets.put("admin API key", TestCredentials.ADMIN_KEY);
        secrets.put("cursor key (base64)", Base64.getEncoder().encodeToString(storedKey("cursor-mac")));
        secrets.put("cursor key (hex)", HexFormat.of().formatHex(storedKey("cursor-mac")));
        for (String number : List.of(WEBHOOK_TO, WEBHOOK_FROM, POLLED_TO, POLLED_FROM)) {
            secrets.put("phone number " + number, number);
            secrets.put("phone number " + number + " without +", number.substring(1));
        }
        for (String content :
                List.of(WEBHOOK_INSTRUCTIONS, WEBHOOK_METADATA, POLLED_PROMPT, POLLED_CONTEXT, POLLED_RESULT)) {
            secrets.put("conversation content '" + content.substring(0, 12) + "...'", content);
        }

        AtomicInteger delivered = subscriber(204);
        AtomicInteger refused = subscriber(500);
        subscribe("http://127.0.0.1:" + subscribers.get(0).getAddress().getPort() + "/hook");
        String failing =
                subscribe("http://127.0.0.1:" + subscribers.get(1).getAddress().getPort() + "/hook");
        String unreachable = subscribe("http://127.0.0.1:" + closedPort() + "/hook");

        UUID webhookEvent = webhooks();
        pollAndRefresh();
        upstreamRefuses();
        createApiKeys();

        await().atMost(PATIENCE).until(() -> delivered.get() >= 1);
        await().atMost(PATIENCE).until(() -> refused.get() >= 2);
        for (String id : List.of(failing, unreachable)) {
            await().atMost(PATIENCE)
                    .until(() -> given().get("/subscriptions/" + id).path("last_error") != null);
        }

        // the file holds this scenario, DEBUG lines included: the search below is not vacuous
        List<String> lines = await().atMost(PATIENCE)
                .until(
                        () -> linesSince(log, start),
                        written -> written.stream().anyMatch(line -> line.contains(webhookEvent.toString()))
                                && written.stream()
                                        .anyMatch(line ->
                                                line.contains(" DEBUG ") || line.contains("\"level\":\"DEBUG\"")));
        List<String> leaks = new ArrayList<>();
        for (String line : lines) {
            for (Map.Entry<String, String> secret : secrets.entrySet()) {
                if (line.contains(secret.getValue())) {
                    leaks.add(secret.getKey() + " in: " + masked(line));
                }
            }
        }
        String metrics = Metrics.scrape();
        assertTrue(metrics.contains("gateway_"), "the scrape holds the gateway's series: the search is not vacuous");
        for (Map.Entry<String, String> secret : secrets.entrySet()) {
            if (metrics.contains(secret.getValue())) {
                leaks.add(secret.getKey() + " in a metric series or label");
            }
        }
        if (!leaks.isEmpty()) {
            fail(leaks.size() + " log line(s) or metrics hold a secret, key, full phone number or content:\n"
                    + String.join("\n", leaks));
        }
    }

    /** Webhooks signed with the current and the previous secret, and one signed with neither. */
    private UUID webhooks() {
        UUID call = UUID.randomUUID();
        UUID ringing = UUID.randomUUID();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        byte[] first = webhook(ringing, "call.ringing", call, "ringing", now);
        SignedWebhook.post(first).statusCode(200);

        byte[] second = webhook(UUID.randomUUID(), "call.in_progress", call, "in_progress", now.plusSeconds(5));
        SignedWebhook.post(second, SignedWebhook.signature(SignedWebhook.PREVIOUS_SECRET, SignedWebhook.now(), second))
                .statusCode(200);

        byte[] forged = webhook(UUID.randomUUID(), "call.completed", call, "completed", now.plusSeconds(60));
        SignedWebhook.post(forged, SignedWebhook.signature(NOT_THE_GATEWAYS_SECRET, SignedWebhook.now(), forged))
                .statusCode(401);
        SignedWebhook.post(forged, "t=1,v1=00").statusCode(401);
        return ringing;
    }

    private static byte[] webhook(UUID event, String type, UUID call, String status, Instant at) {
        return SignedWebhook.envelope(event, type, call, status, at)
                .replace("+15550100001", WEBHOOK_TO)
                .replace("+15550100002", WEBHOOK_FROM)
                .replace("Confirm the booking", WEBHOOK_INSTRUCTIONS)
                .replace("A-17", WEBHOOK_METADATA)
                .getBytes(UTF_8);
    }

    /** A poll that discovers a call, and a refresh that re-reads it: both with the CallingBox API key. */
    private void pollAndRefresh() {
        UUID call = UUID.randomUUID();
        CallSnapshot completed = CallBuilder.next(
                UpstreamFixtures.completed(call, Instant.now().minusSeconds(600)),
                c -> c.set(PROMPT, POLLED_PROMPT)
                        .set(CONTEXT, json.createObjectNode().put("case", POLLED_CONTEXT))
                        .set(RESULT, json.createObjectNode().put("summary", POLLED_RESULT))
                        .set(METADATA, json.createObjectNode().put("order", POLLED_CONTEXT)));
        String polled = UpstreamFixtures.json(json, completed)
                .replace("+15550100200", POLLED_TO)
                .replace("+15550001111", POLLED_FROM);
        // the poll also re-reads the webhooks' call: unknown here, which must not open the breaker
        CallingBoxWireMock.server()
                .stubFor(get(urlPathMatching("/v1/calls/.+"))
                        .atPriority(10)
                        .willReturn(aResponse().withStatus(404).withBody("{\"error\": \"call not found\"}")));
        CallingBoxWireMock.server().stubFor(get(urlPathEqualTo("/v1/calls")).willReturn(okJson("[" + polled + "]")));
        CallingBoxWireMock.server()
                .stubFor(get(urlPathEqualTo("/v1/calls/" + call)).willReturn(okJson(polled)));
        CallingBoxWireMock.server()
                .stubFor(get(urlPathEqualTo("/v1/webhook_deliveries")).willReturn(okJson("{\"data\": []}")));

        Poller.Report report = poller.poll("secret-leak-test", Instant.now());
        assertTrue(report.ran(), "the poll ran");
        if (!report.succeeded()) {
            // a cold JVM on a busy machine can miss the test profile's 1 s upstream timeout once
            breakers.reset(CallingBoxClient.BREAKER);
            poller.poll("secret-leak-test", Instant.now());
        }
        breakers.reset(CallingBoxClient.BREAKER);
        given().post("/calls/{id}/refresh", call).then().statusCode(200);
        // the content reached the gateway, so its absence from the log below means something
        given().get("/calls/{id}", call).then().statusCode(200).body("prompt", equalTo(POLLED_PROMPT));

        CallingBoxWireMock.server()
                .verify(getRequestedFor(urlPathEqualTo("/v1/calls/" + call))
                        .withHeader("Authorization", containing(CallingBoxWireMock.API_KEY)));
    }

    /** CallingBox refusing the key and failing: the gateway says so without repeating the key. */
    private void upstreamRefuses() {
        UUID call = UUID.randomUUID();
        CallingBoxWireMock.server()
                .stubFor(get(urlPathEqualTo("/v1/calls/" + call))
                        .willReturn(aResponse()
                                .withStatus(401)
                                .withHeader("Content-Type", "application/json")
                                .withBody("{\"error\": \"invalid api key\"}")));
        given().post("/calls/{id}/refresh", call).then().statusCode(greaterThanOrEqualTo(400));
        breakers.reset(CallingBoxClient.BREAKER);
    }

    /**
     * API keys: create a key, use it, revoke it, use it again, and present an unknown one; each key the
     * scenario sees joins the searched set.
     */
    private void createApiKeys() {
        Response created = given().contentType(ContentType.JSON)
                .body(Map.of("name", "secret-leak-test", "scopes", List.of("calls:read")))
                .post("/api-keys");
        assertEquals(201, created.statusCode(), created.asString());
        String key = created.path("key");
        String id = created.path("id");
        secrets.put("API key created in the scenario", key);
        String unknown = "gwk_leaktest_not_a_key_0123456789abcdef0123456789";
        secrets.put("unknown API key presented", unknown);

        given().header("Authorization", "Bearer " + key).get("/calls").then().statusCode(200);
        // a reader without pii:read finds a call by its number: the number in the query is not logged
        given().header("Authorization", "Bearer " + key)
                .urlEncodingEnabled(false)
                .get("/calls?to_number=%2B" + POLLED_TO.substring(1))
                .then()
                .statusCode(200)
                .body("data[0].redacted", equalTo(true));
        given().delete("/api-keys/" + id).then().statusCode(204);
        given().header("Authorization", "Bearer " + key).get("/calls").then().statusCode(401);
        given().header("Authorization", "Bearer " + unknown)
                .get("/calls")
                .then()
                .statusCode(401);
    }

    /** A subscription to this URL; its signing secret (and the key inside it) join the searched set. */
    private String subscribe(String url) {
        Response created = given().contentType(ContentType.JSON)
                .body(Map.of("url", url, "event_types", List.of("*")))
                .post("/subscriptions");
        assertEquals(201, created.statusCode(), created.asString());
        String id = created.path("id");
        String secret = created.path("signing_secret");
        subscriptions.add(id);
        secrets.put("signing secret of subscription " + id, secret);
        secrets.put("signing key of subscription " + id, secret.substring("whsec_".length()));
        String rotated = given().post("/subscriptions/" + id + "/rotate-secret")
                .then()
                .statusCode(200)
                .extract()
                .path("signing_secret");
        secrets.put("rotated signing secret of subscription " + id, rotated);
        return id;
    }

    /** A subscriber on loopback that answers every push with this status; counts the pushes. */
    private AtomicInteger subscriber(int status) throws IOException {
        AtomicInteger pushes = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
        server.createContext("/hook", exchange -> {
            exchange.getRequestBody().readAllBytes();
            pushes.incrementAndGet();
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
        subscribers.add(server);
        return pushes;
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private byte[] storedKey(String name) {
        return db.queryBytes("select secret from gateway_key where name = ?", name);
    }

    /** Every line written to the log file after this offset (all of it if the file was rotated since). */
    private static List<String> linesSince(Path log, long offset) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long from = file.length() < offset ? 0 : offset;
            byte[] written = new byte[(int) (file.length() - from)];
            file.seek(from);
            file.readFully(written);
            return new String(written, UTF_8).lines().toList();
        }
    }

    /** The line with every secret replaced by its name, so a failure does not print the secret again. */
    private String masked(String line) {
        String masked = line;
        for (Map.Entry<String, String> secret : secrets.entrySet()) {
            masked = masked.replace(secret.getValue(), "<" + secret.getKey() + ">");
        }
        return masked;
    }
}
