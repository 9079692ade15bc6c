package io.callingboxgateway.subscriptions.delivery;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.callingboxgateway.reconcile.Reconciler;
import io.callingboxgateway.subscriptions.PushSignature;
import io.callingboxgateway.subscriptions.SubscriptionApi;
import io.callingboxgateway.subscriptions.SubscriptionApi.Subscribed;
import io.callingboxgateway.subscriptions.TestCalls;
import io.callingboxgateway.testing.Feed;
import io.callingboxgateway.testing.Metrics;
import io.callingboxgateway.testing.PostgresResource;
import io.callingboxgateway.testing.Receiver;
import io.callingboxgateway.testing.Receiver.Answer;
import io.callingboxgateway.testing.Receiver.Push;
import io.callingboxgateway.testing.TestDatabase;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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

    @Inject
    Reconciler reconciler;

    @Inject
    TestDatabase db;

    private final List<Receiver> receivers = new ArrayList<>();

    @BeforeEach
    void noSubscriptions() {
        db.update("delete from subscription");
    }

    @AfterEach
    void cleanUp() {
        noSubscriptions();
        receivers.forEach(Receiver::close);
    }

    @Test
    void aHealthySubscriberReceivesANewEventWithinFiveSecondsSignedAsStandardWebhooks() throws Exception {
        Receiver receiver = receiver();
        // with personal data, so the push is the event exactly as the test's admin key reads it
        Subscribed subscription = SubscriptionApi.subscribeWithPersonalData(receiver.url(), List.of("*"));

        UUID call = TestCalls.create(reconciler);

        Push push = await().atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> receiver.acknowledgedAbout(List.of(call)), pushes -> pushes.size() == 1)
                .get(0);
        assertEquals("call.created", push.type());
        assertEquals("evt_" + push.eventId(), push.webhookId());
        assertEquals("application/json", push.contentType());
        assertTrue(
                Math.abs(Long.parseLong(push.webhookTimestamp()) - Instant.now().getEpochSecond()) < 60);
        assertTrue(push.verifies(subscription.secret()), "signature " + push.webhookSignature());
        assertFalse(push.verifies(PushSignature.newSecret()), "another secret must not verify");
        assertEquals(
                Feed.item(given(), push.eventId()), push.event(), "the body is the event as GET /events serves it");
        JsonPath state = await().until(() -> SubscriptionApi.state(subscription), s -> s.getInt("lag") == 0);
        assertEquals(push.eventId(), state.getLong("position"));
        assertEquals(200, state.getInt("last_response_status"));
    }

    @Test
    void metricsReportEachSubscribersLagAndDeliveriesByOutcome() {
        String delivered = "gateway_subscriptions_deliveries_total{outcome=\"delivered\"}";
        double deliveredBefore = Metrics.value(delivered);
        Receiver receiver = receiver();
        Subscribed subscription = SubscriptionApi.subscribe(receiver.url(), List.of("*"));
        UUID call = TestCalls.create(reconciler);
        await().atMost(PATIENCE)
                .until(() -> receiver.acknowledgedAbout(List.of(call)).size() == 1);

        String lag = "gateway_subscriptions_lag{subscription=\"%s\"}".formatted(subscription.id());
        await().atMost(PATIENCE).until(() -> Metrics.find(lag), v -> v.isPresent() && v.getAsDouble() == 0);
        await().atMost(PATIENCE).until(() -> Metrics.value(delivered), v -> v == deliveredBefore + 1);
        await().atMost(PATIENCE).until(() -> Metrics.value("gateway_subscriptions{state=\"active\"}"), v -> v == 1);
    }

    @Test
    void manyEventsArriveInLogOrderEachOnce() throws Exception {
        Receiver receiver = receiver();
        Subscribed subscription = SubscriptionApi.subscribe(receiver.url(), List.of("*"));
        List<UUID> calls = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            calls.add(TestCalls.create(reconciler));
        }

        List<Push> pushes =
                await().atMost(PATIENCE).until(() -> receiver.acknowledgedAbout(calls), p -> p.size() >= calls.size());

        assertEquals(calls, callIds(pushes));
        assertStrictlyIncreasing(pushes);
        for (Push push : pushes) {
            assertTrue(push.verifies(subscription.secret()));
        }
        await().until(() -> SubscriptionApi.state(subscription).getInt("lag") == 0);
    }

    @Test
    void aSubscriberThatIsDownForAWhileReceivesEverythingInOrderOnceItRecovers() {
        int port = Receiver.freePort();
        Subscribed subscription = SubscriptionApi.subscribe(Receiver.urlFor(port), List.of("*"));
        List<UUID> calls = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            calls.add(TestCalls.create(reconciler));
        }
        JsonPath failing = await().atMost(PATIENCE)
                .pollInterval(Duration.ofMillis(10))
                .until(() -> SubscriptionApi.state(subscription), s -> s.getInt("consecutive_failures") >= 2);
        assertEquals("connection refused", failing.getString("last_error"));
        assertTrue(failing.getInt("lag") >= 5);

        Receiver receiver = Receiver.startOn(port);
        receivers.add(receiver);
        for (int i = 0; i < 3; i++) {
            calls.add(TestCalls.create(reconciler));
        }

        List<Push> pushes =
                await().atMost(PATIENCE).until(() -> receiver.acknowledgedAbout(calls), p -> p.size() >= calls.size());
        assertEquals(calls, callIds(pushes), "everything, in order");
        assertStrictlyIncreasing(pushes);
        JsonPath recovered = await().until(() -> SubscriptionApi.state(subscription), s -> s.getInt("lag") == 0);
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
        Subscribed subscription = SubscriptionApi.subscribe(receiver.url(), List.of("*"));

        UUID call = TestCalls.create(reconciler);

        await().atMost(PATIENCE)
                .until(() -> receiver.acknowledgedAbout(List.of(call)).size() == 1);
        List<Push> attempts = receiver.pushesAbout(List.of(call));
        assertEquals(4, attempts.size());
        assertEquals(1, attempts.stream().map(Push::webhookId).distinct().count(), "one webhook-id per event");
        for (Push attempt : attempts) {
            assertTrue(attempt.verifies(subscription.secret()));
        }
    }

    @Test
    void a429WithRetryAfterIsHonoured() {
        Receiver receiver = receiver();
        AtomicInteger requests = new AtomicInteger();
        receiver.answer(event ->
                requests.incrementAndGet() == 1 ? new Answer(429, Map.of("Retry-After", "2")) : Answer.status(200));
        Subscribed subscription = SubscriptionApi.subscribe(receiver.url(), List.of("*"));

        UUID call = TestCalls.create(reconciler);

        JsonPath waiting = await().atMost(PATIENCE)
                .pollInterval(Duration.ofMillis(20))
                .until(() -> SubscriptionApi.state(subscription), s -> s.getString("next_attempt_at") != null);
        Push first = receiver.pushes().get(0);
        assertEquals(429, waiting.getInt("last_response_status"));
        assertEquals("HTTP 429", waiting.getString("last_error"));
        Instant scheduled = Instant.parse(waiting.getString("next_attempt_at"));
        assertFalse(scheduled.isBefore(first.at().plusSeconds(2)), "scheduled " + scheduled + ", first " + first.at());

        await().atMost(PATIENCE)
                .until(() -> receiver.acknowledgedAbout(List.of(call)).size() == 1);
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
        Subscribed subscription = SubscriptionApi.subscribe(receiver.url(), List.of("*"));
        long before = SubscriptionApi.head();

        TestCalls.create(reconciler, poisoned);
        UUID next = TestCalls.create(reconciler);

        Push delivered = await().atMost(PATIENCE)
                .until(() -> receiver.acknowledgedAbout(List.of(next)), p -> p.size() == 1)
                .get(0);
        List<Push> attempts = receiver.pushesAbout(List.of(poisoned));
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
        JsonPath state = await().until(
                        () -> SubscriptionApi.state(subscription), s -> s.getLong("position") == delivered.eventId());
        assertTrue(state.getBoolean("enabled"));

        receiver.answer(event -> Answer.status(200));
        int seen = receiver.pushes().size();
        SubscriptionApi.replay(subscription.id(), Long.toString(before))
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
        Subscribed subscription = SubscriptionApi.subscribe(receiver.url(), List.of("*"));
        UUID first = TestCalls.create(reconciler);
        UUID second = TestCalls.create(reconciler);
        UUID third = TestCalls.create(reconciler);

        JsonPath disabled = await().atMost(PATIENCE)
                .until(() -> SubscriptionApi.state(subscription), s -> !s.getBoolean("enabled"));

        assertEquals(
                "too_many_failures: 2 consecutive events dead-lettered; last error: HTTP 500",
                disabled.getString("disabled_reason"));
        List<Push> toSecond = receiver.pushesAbout(List.of(second));
        Instant lastAttempt = toSecond.get(toSecond.size() - 1).at();
        assertFalse(
                Instant.parse(disabled.getString("disabled_at")).isBefore(lastAttempt),
                "disabled when the last attempt failed, at " + lastAttempt + ", not before");
        assertEquals(receiver.pushesAbout(List.of(second)).get(0).eventId(), disabled.getLong("position"));
        assertEquals(MAX_ATTEMPTS, receiver.pushesAbout(List.of(first)).size());
        assertTrue(receiver.pushesAbout(List.of(third)).isEmpty(), "a disabled subscription gets nothing more");
        given().get("/subscriptions/" + subscription.id() + "/dead_letters")
                .then()
                .body("data.size()", org.hamcrest.Matchers.equalTo(2));

        receiver.answer(event -> Answer.status(200));
        SubscriptionApi.patch(subscription.id(), Map.of("enabled", true))
                .statusCode(200)
                .body("disabled_reason", org.hamcrest.Matchers.nullValue())
                .body("consecutive_failures", org.hamcrest.Matchers.equalTo(0));

        await().atMost(PATIENCE)
                .until(() -> receiver.acknowledgedAbout(List.of(third)).size() == 1);
    }

    @Test
    void onlyTheWantedEventTypesArePushedAndTheRestAreSkipped() {
        Receiver receiver = receiver();
        Subscribed statusOnly = SubscriptionApi.subscribe(receiver.url(), List.of("call.status_changed"));
        Receiver quiet = receiver();
        Subscribed resultsOnly = SubscriptionApi.subscribe(quiet.url(), List.of("call.result_ready"));

        UUID call = TestCalls.create(reconciler);
        TestCalls.advance(reconciler, call, "ringing", 5);

        Push push = await().atMost(PATIENCE)
                .until(() -> receiver.acknowledgedAbout(List.of(call)), p -> p.size() == 1)
                .get(0);
        assertEquals("call.status_changed", push.type());
        assertEquals(1, receiver.pushesAbout(List.of(call)).size(), "call.created came first and was not pushed");
        await().until(() -> SubscriptionApi.state(resultsOnly).getInt("lag") == 0);
        assertTrue(quiet.pushes().isEmpty());
        await().until(() -> SubscriptionApi.state(statusOnly).getLong("position") == push.eventId());
    }

    @Test
    void anAttemptOutlastingTheTimeoutFailsAndIsRetried() throws Exception {
        Receiver receiver = receiver();
        CountDownLatch slow = new CountDownLatch(1);
        AtomicInteger heldPastTheRelease = new AtomicInteger();
        receiver.answer(event -> {
            try {
                if (!slow.await(20, TimeUnit.SECONDS)) {
                    heldPastTheRelease.incrementAndGet();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Answer.status(200);
        });
        Subscribed subscription = SubscriptionApi.subscribe(receiver.url(), List.of("*"));
        UUID call = TestCalls.create(reconciler);

        await().atMost(PATIENCE)
                .until(() ->
                        "timeout".equals(SubscriptionApi.state(subscription).getString("last_error")));
        slow.countDown();

        JsonPath recovered =
                await().atMost(PATIENCE).until(() -> SubscriptionApi.state(subscription), s -> s.getInt("lag") == 0);
        assertNull(recovered.getString("last_error"));
        assertFalse(receiver.acknowledgedAbout(List.of(call)).isEmpty());
        assertEquals(
                0,
                heldPastTheRelease.get(),
                "every held answer was released by the test, none by its wait running out");
    }

    private Receiver receiver() {
        Receiver receiver = Receiver.start();
        receivers.add(receiver);
        return receiver;
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
}
