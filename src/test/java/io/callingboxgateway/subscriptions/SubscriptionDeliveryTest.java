package io.callingboxgateway.subscriptions;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callingboxgateway.reconcile.Reconciler;
import io.callingboxgateway.subscriptions.Receiver.Answer;
import io.callingboxgateway.subscriptions.Receiver.Push;
import io.callingboxgateway.testing.Management;
import io.callingboxgateway.testing.PostgresResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Push delivery end to end: events written by the reconciler, delivered by the running workers to
 * receivers on loopback. Clocks are compressed in %test (backoff 50 to 500 ms, 8 attempts, disable
 * after 2 dead letters, 2 s attempt timeout).
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class SubscriptionDeliveryTest {

    private static final int MAX_ATTEMPTS = 8;
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    Reconciler reconciler;

    @Inject
    EntityManager em;

    private final List<Receiver> receivers = new ArrayList<>();

    @BeforeEach
    void noSubscriptions() {
        QuarkusTransaction.requiringNew()
                .run(() -> em.createNativeQuery("delete from subscription").executeUpdate());
    }

    @AfterEach
    void cleanUp() {
        noSubscriptions();
        receivers.forEach(Receiver::close);
    }

    @Test
    void aHealthySubscriberReceivesANewEventWithinFiveSecondsSignedAsStandardWebhooks() throws Exception {
        Receiver receiver = receiver();
        Subscribed subscription = subscribe(receiver.url(), List.of("*"));

        UUID call = TestCalls.create(reconciler);

        Push push = await().atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> acknowledged(receiver, List.of(call)), pushes -> pushes.size() == 1)
                .get(0);
        assertEquals("call.created", push.type());
        assertEquals("evt_" + push.eventId(), push.webhookId());
        assertEquals("application/json", push.contentType());
        assertTrue(
                Math.abs(Long.parseLong(push.webhookTimestamp()) - Instant.now().getEpochSecond()) < 60);
        assertTrue(verifies(subscription.secret(), push), "signature " + push.webhookSignature());
        assertFalse(verifies(PushSignature.newSecret(), push), "another secret must not verify");
        assertEquals(feedItem(push.eventId()), push.event(), "the body is the event as GET /events serves it");
        JsonPath state = await().until(() -> state(subscription), s -> s.getInt("lag") == 0);
        assertEquals(push.eventId(), state.getLong("position"));
        assertEquals(200, state.getInt("last_response_status"));
    }

    @Test
    void metricsReportEachSubscribersLagAndDeliveriesByOutcome() {
        Receiver receiver = receiver();
        Subscribed subscription = subscribe(receiver.url(), List.of("*"));
        UUID call = TestCalls.create(reconciler);
        await().atMost(PATIENCE)
                .until(() -> acknowledged(receiver, List.of(call)).size() == 1);

        String lag = "gateway_subscriptions_lag{subscription=\"%s\"} 0.0".formatted(subscription.id());
        String metrics = await().atMost(PATIENCE).until(Management::scrape, m -> m.contains(lag));
        assertTrue(metrics.contains("gateway_subscriptions_deliveries_total{outcome=\"delivered\"}"), metrics);
        assertTrue(metrics.contains("gateway_subscriptions{state=\"active\"}"), metrics);
    }

    @Test
    void manyEventsArriveInLogOrderEachOnce() throws Exception {
        Receiver receiver = receiver();
        Subscribed subscription = subscribe(receiver.url(), List.of("*"));
        List<UUID> calls = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            calls.add(TestCalls.create(reconciler));
        }

        List<Push> pushes =
                await().atMost(PATIENCE).until(() -> acknowledged(receiver, calls), p -> p.size() >= calls.size());

        assertEquals(calls, callIds(pushes));
        assertStrictlyIncreasing(pushes);
        for (Push push : pushes) {
            assertTrue(verifies(subscription.secret(), push));
        }
        await().until(() -> state(subscription).getInt("lag") == 0);
    }

    @Test
    void aSubscriberThatIsDownForAWhileReceivesEverythingInOrderOnceItRecovers() {
        int port = Receiver.freePort();
        Subscribed subscription = subscribe(Receiver.urlFor(port), List.of("*"));
        List<UUID> calls = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            calls.add(TestCalls.create(reconciler));
        }
        JsonPath failing = await().atMost(PATIENCE)
                .pollInterval(Duration.ofMillis(10))
                .until(() -> state(subscription), s -> s.getInt("consecutive_failures") >= 2);
        assertEquals("connection refused", failing.getString("last_error"));
        assertTrue(failing.getInt("lag") >= 5);

        Receiver receiver = Receiver.startOn(port);
        receivers.add(receiver);
        for (int i = 0; i < 3; i++) {
            calls.add(TestCalls.create(reconciler));
        }

        List<Push> pushes =
                await().atMost(PATIENCE).until(() -> acknowledged(receiver, calls), p -> p.size() >= calls.size());
        assertEquals(calls, callIds(pushes), "everything, in order");
        assertStrictlyIncreasing(pushes);
        JsonPath recovered = await().until(() -> state(subscription), s -> s.getInt("lag") == 0);
        assertEquals(0, recovered.getInt("consecutive_failures"));
        assertNull(recovered.getString("last_error"));
        given().get("/subscriptions/" + subscription.id() + "/dead_letters")
                .then()
                .body("data.size()", org.hamcrest.Matchers.equalTo(0));
    }

    @Test
    void retriesOfOneEventKeepItsWebhookIdAndAreSignedAfresh() throws Exception {
        Receiver receiver = receiver();
        AtomicInteger requests = new AtomicInteger();
        receiver.answer(event -> Answer.status(requests.incrementAndGet() <= 3 ? 503 : 200));
        Subscribed subscription = subscribe(receiver.url(), List.of("*"));

        UUID call = TestCalls.create(reconciler);

        await().atMost(PATIENCE)
                .until(() -> acknowledged(receiver, List.of(call)).size() == 1);
        List<Push> attempts = pushes(receiver, List.of(call));
        assertEquals(4, attempts.size());
        assertEquals(1, attempts.stream().map(Push::webhookId).distinct().count(), "one webhook-id per event");
        for (Push attempt : attempts) {
            assertTrue(verifies(subscription.secret(), attempt));
        }
    }

    @Test
    void a429WithRetryAfterIsHonoured() {
        Receiver receiver = receiver();
        AtomicInteger requests = new AtomicInteger();
        receiver.answer(event ->
                requests.incrementAndGet() == 1 ? new Answer(429, Map.of("Retry-After", "2")) : Answer.status(200));
        Subscribed subscription = subscribe(receiver.url(), List.of("*"));

        UUID call = TestCalls.create(reconciler);

        JsonPath waiting = await().atMost(PATIENCE)
                .pollInterval(Duration.ofMillis(20))
                .until(() -> state(subscription), s -> s.getString("next_attempt_at") != null);
        Push first = receiver.pushes().get(0);
        assertEquals(429, waiting.getInt("last_response_status"));
        assertEquals("HTTP 429", waiting.getString("last_error"));
        Instant scheduled = Instant.parse(waiting.getString("next_attempt_at"));
        assertFalse(scheduled.isBefore(first.at().plusSeconds(2)), "scheduled " + scheduled + ", first " + first.at());

        await().atMost(PATIENCE)
                .until(() -> acknowledged(receiver, List.of(call)).size() == 1);
        Push second = receiver.pushes().get(1);
        assertFalse(
                second.at().isBefore(first.at().plusSeconds(2)),
                "second attempt at " + second.at() + ", first at " + first.at());
    }

    @Test
    void anEventFailingEveryAttemptIsDeadLetteredThenTheLineMovesOnAndReplayRedelivers() {
        Receiver receiver = receiver();
        UUID poisoned = UUID.randomUUID();
        receiver.answer(event -> Answer.status(isCall(event, poisoned) ? 500 : 200));
        Subscribed subscription = subscribe(receiver.url(), List.of("*"));
        long before = SubscriptionResourceTest.head();

        TestCalls.create(reconciler, poisoned);
        UUID next = TestCalls.create(reconciler);

        Push delivered = await().atMost(PATIENCE)
                .until(() -> acknowledged(receiver, List.of(next)), p -> p.size() == 1)
                .get(0);
        List<Push> attempts = pushes(receiver, List.of(poisoned));
        assertEquals(
                MAX_ATTEMPTS,
                attempts.size(),
                () -> attempts.stream()
                        .map(p -> p.at() + " " + p.webhookTimestamp() + " " + p.answered())
                        .toList()
                        .toString());
        assertTrue(attempts.get(MAX_ATTEMPTS - 1).at().isBefore(delivered.at()), "the line waited for the dead letter");
        long deadEventId = attempts.get(0).eventId();
        JsonPath deadLetters = JsonPath.from(given().get("/subscriptions/" + subscription.id() + "/dead_letters")
                .then()
                .statusCode(200)
                .extract()
                .asString());
        assertEquals(List.of(deadEventId), deadLetters.getList("data.event_id", Long.class));
        assertEquals(MAX_ATTEMPTS, deadLetters.getInt("data[0].attempts"));
        assertEquals("HTTP 500", deadLetters.getString("data[0].last_error"));
        assertEquals(500, deadLetters.getInt("data[0].last_response_status"));
        JsonPath state = await().until(() -> state(subscription), s -> s.getLong("position") == delivered.eventId());
        assertTrue(state.getBoolean("enabled"));

        receiver.answer(event -> Answer.status(200));
        int seen = receiver.pushes().size();
        SubscriptionResourceTest.replay(subscription.id(), Long.toString(before))
                .statusCode(202)
                .body("position", org.hamcrest.Matchers.equalTo((int) before));

        List<Push> replayed = await().atMost(PATIENCE)
                .until(
                        () -> receiver.pushes().subList(seen, receiver.pushes().size()).stream()
                                .filter(Push::acknowledged)
                                .toList(),
                        p -> p.size() >= 2);
        assertEquals(List.of(poisoned, next), callIds(replayed));
        given().get("/subscriptions/" + subscription.id() + "/dead_letters")
                .then()
                .body("data.size()", org.hamcrest.Matchers.equalTo(0));
    }

    @Test
    void persistentFailureDisablesTheSubscriptionWithTheReasonVisible() {
        Receiver receiver = receiver();
        receiver.answer(event -> Answer.status(500));
        Subscribed subscription = subscribe(receiver.url(), List.of("*"));
        UUID first = TestCalls.create(reconciler);
        UUID second = TestCalls.create(reconciler);
        UUID third = TestCalls.create(reconciler);

        JsonPath disabled = await().atMost(PATIENCE).until(() -> state(subscription), s -> !s.getBoolean("enabled"));

        assertEquals(
                "too_many_failures: 2 consecutive events dead-lettered; last error: HTTP 500",
                disabled.getString("disabled_reason"));
        assertNotNull(disabled.getString("disabled_at"));
        assertEquals(pushes(receiver, List.of(second)).get(0).eventId(), disabled.getLong("position"));
        assertEquals(MAX_ATTEMPTS, pushes(receiver, List.of(first)).size());
        assertTrue(pushes(receiver, List.of(third)).isEmpty(), "a disabled subscription gets nothing more");
        given().get("/subscriptions/" + subscription.id() + "/dead_letters")
                .then()
                .body("data.size()", org.hamcrest.Matchers.equalTo(2));

        receiver.answer(event -> Answer.status(200));
        SubscriptionResourceTest.patch(subscription.id(), Map.of("enabled", true))
                .statusCode(200)
                .body("disabled_reason", org.hamcrest.Matchers.nullValue())
                .body("consecutive_failures", org.hamcrest.Matchers.equalTo(0));

        await().atMost(PATIENCE)
                .until(() -> acknowledged(receiver, List.of(third)).size() == 1);
    }

    @Test
    void onlyTheWantedEventTypesArePushedAndTheRestAreSkipped() {
        Receiver receiver = receiver();
        Subscribed statusOnly = subscribe(receiver.url(), List.of("call.status_changed"));
        Receiver quiet = receiver();
        Subscribed resultsOnly = subscribe(quiet.url(), List.of("call.result_ready"));

        UUID call = TestCalls.create(reconciler);
        TestCalls.advance(reconciler, call, "ringing", 5);

        Push push = await().atMost(PATIENCE)
                .until(() -> acknowledged(receiver, List.of(call)), p -> p.size() == 1)
                .get(0);
        assertEquals("call.status_changed", push.type());
        assertEquals(1, pushes(receiver, List.of(call)).size(), "call.created came first and was not pushed");
        await().until(() -> state(resultsOnly).getInt("lag") == 0);
        assertTrue(quiet.pushes().isEmpty());
        await().until(() -> state(statusOnly).getLong("position") == push.eventId());
    }

    @Test
    void anAttemptOutlastingTheTimeoutFailsAndIsRetried() throws Exception {
        Receiver receiver = receiver();
        CountDownLatch slow = new CountDownLatch(1);
        receiver.answer(event -> {
            try {
                slow.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Answer.status(200);
        });
        Subscribed subscription = subscribe(receiver.url(), List.of("*"));
        UUID call = TestCalls.create(reconciler);

        await().atMost(PATIENCE)
                .until(() -> "timeout".equals(state(subscription).getString("last_error")));
        slow.countDown();

        JsonPath recovered = await().atMost(PATIENCE).until(() -> state(subscription), s -> s.getInt("lag") == 0);
        assertNull(recovered.getString("last_error"));
        assertFalse(acknowledged(receiver, List.of(call)).isEmpty());
    }

    record Subscribed(String id, String secret) {}

    private Receiver receiver() {
        Receiver receiver = Receiver.start();
        receivers.add(receiver);
        return receiver;
    }

    static Subscribed subscribe(String url, List<String> types) {
        JsonPath created = JsonPath.from(SubscriptionResourceTest.create(Map.of("url", url, "event_types", types))
                .statusCode(201)
                .extract()
                .asString());
        return new Subscribed(created.getString("id"), created.getString("signing_secret"));
    }

    static JsonPath state(Subscribed subscription) {
        return JsonPath.from(given().get("/subscriptions/" + subscription.id())
                .then()
                .statusCode(200)
                .extract()
                .asString());
    }

    /** Pushes about these calls, in arrival order. */
    static List<Push> pushes(Receiver receiver, Collection<UUID> calls) {
        var ids = new HashSet<String>();
        calls.forEach(id -> ids.add(id.toString()));
        return receiver.pushes().stream().filter(p -> ids.contains(p.callId())).toList();
    }

    static List<Push> acknowledged(Receiver receiver, Collection<UUID> calls) {
        return pushes(receiver, calls).stream().filter(Push::acknowledged).toList();
    }

    static List<UUID> callIds(List<Push> pushes) {
        return pushes.stream().map(p -> UUID.fromString(p.callId())).toList();
    }

    static void assertStrictlyIncreasing(List<Push> pushes) {
        for (int i = 1; i < pushes.size(); i++) {
            assertTrue(
                    pushes.get(i).eventId() > pushes.get(i - 1).eventId(),
                    "event %d arrived after %d"
                            .formatted(
                                    pushes.get(i).eventId(), pushes.get(i - 1).eventId()));
        }
    }

    private static boolean isCall(JsonNode event, UUID call) {
        return event.get("call_id").asText().equals(call.toString());
    }

    private static JsonNode feedItem(long eventId) throws Exception {
        String page = given().get("/events?limit=1&after=" + (eventId - 1))
                .then()
                .statusCode(200)
                .extract()
                .asString();
        return JSON.readTree(page).get("data").get(0);
    }

    /**
     * Standard Webhooks verification written independently of the gateway: the key is the base64
     * after {@code whsec_}; the signed content is {@code id.timestamp.body}; the header lists
     * space-separated {@code v1,<base64>} signatures.
     */
    static boolean verifies(String secret, Push push) throws Exception {
        byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        String signed = push.webhookId() + "." + push.webhookTimestamp() + "."
                + new String(push.body(), StandardCharsets.UTF_8);
        byte[] expected = mac.doFinal(signed.getBytes(StandardCharsets.UTF_8));
        for (String signature : push.webhookSignature().split(" ")) {
            if (signature.startsWith("v1,")
                    && MessageDigest.isEqual(expected, Base64.getDecoder().decode(signature.substring(3)))) {
                return true;
            }
        }
        return false;
    }
}
