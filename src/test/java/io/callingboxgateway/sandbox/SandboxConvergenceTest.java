package io.callingboxgateway.sandbox;

import static io.callingboxgateway.sandbox.GatewayClient.assertSameCall;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.callingboxgateway.testing.PostgresResource;
import io.callingboxgateway.upstream.CallingBoxConfig;
import io.callingboxgateway.upstream.poll.Poller;
import io.callingboxgateway.upstream.poll.PollerLease;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToLongFunction;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The real gateway (webhook receiver, poller, reconciler, store, event log) runs against the simulator
 * under each fault, and every call ends, at {@code /calls/{id}} and in the event feed, equal field for
 * field to the simulator's own ground truth; a webhook is judged once however often it arrives.
 *
 * <p>The clocks are compressed so that one run takes seconds: calls live a few hundred milliseconds to
 * about two seconds, around one poll interval, so polls see calls half-way and race their webhooks;
 * discovery keeps only a short overlap below its high-water mark, so a call it has passed is carried to
 * its end by the refresh of unsettled calls, not by rescanning the list. Some calls carry an inline
 * webhook_url, whose webhook_status CallingBox decides after the call's last event. One more run
 * compresses two days of failing webhook retries into seconds, to see the poller heal what CallingBox
 * gave up on.
 */
@QuarkusTest
@TestProfile(SandboxConvergenceTest.WiredToTheSandbox.class)
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class SandboxConvergenceTest {

    static final Duration SETTLE_WITHIN = Duration.ofSeconds(60);
    static final Duration CONVERGE_WITHIN = Duration.ofSeconds(60);
    static final String OTHER_REPLICA = "another-replica";

    /**
     * The gateway wired to the simulator as dev mode wires it. The port is fixed up front because the
     * poller's base URL must name it before the server starts. These overrides win over the global
     * CallingBoxWireMock resource's base URL and key (checked in {@link #wiredToTheSimulator()}).
     */
    public static class WiredToTheSandbox implements QuarkusTestProfile {

        static final int PORT = freePort();
        static final String SIMULATOR_URL = "http://localhost:" + PORT + SandboxDefaults.BASE_PATH;

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "quarkus.http.test-port",
                    String.valueOf(PORT),
                    "callingbox.base-url",
                    SIMULATOR_URL,
                    "callingbox.api-key",
                    SandboxDefaults.API_KEY,
                    "callingbox.webhook.secrets",
                    SandboxDefaults.WEBHOOK_SECRET,
                    "sandbox.webhook.enabled",
                    "true",
                    // The scheduler's finest grain: shorter intervals still run once a second
                    "callingbox.poll-interval",
                    "1s",
                    // 100 times real time: a minute of talk takes 0.6 s; a failed webhook is tried
                    // again 0.6 s later, and a fourth time about 22 s after the first
                    "sandbox.time-scale",
                    "100",
                    // Far below the 10 minutes of production, so that discovery stops below calls it
                    // has seen and their ends are left to the refresh
                    "callingbox.discovery-overlap",
                    "500ms");
        }

        private static int freePort() {
            try (ServerSocket socket = new ServerSocket(0)) {
                return socket.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * One run: the faults in force, how many calls, and how to tell that the fault struck (on the
     * simulator's side, and where the gateway can notice it, on the gateway's).
     */
    record Scenario(
            String name,
            FaultSettings faults,
            int outbound,
            int inbound,
            boolean inlineWebhooks,
            ToLongFunction<FaultCounters> struck,
            String gatewayNoticed) {

        @Override
        public String toString() {
            return name;
        }
    }

    /**
     * Inline webhooks only where their delivery is decided within seconds: a forged or silenced
     * call.completed delivery waits on the retry schedule, 18 s and then 72 s at this time scale.
     */
    static Stream<Scenario> scenarios() {
        FaultSettings none = FaultSettings.none();
        return Stream.of(
                new Scenario("no faults", none, 200, 20, true, null, null),
                new Scenario("drop", none.withDropRate(0.3), 60, 10, true, c -> c.dropped.get(), null),
                new Scenario(
                        "duplicate",
                        none.withDuplicateRate(0.5).withDelay(0, Duration.ofMillis(500)),
                        60,
                        10,
                        true,
                        c -> c.duplicated.get(),
                        "gateway_webhooks_duplicates_total"),
                new Scenario(
                        "delay and reorder",
                        none.withDelay(0.5, Duration.ofSeconds(2)),
                        60,
                        10,
                        true,
                        c -> c.delayed.get(),
                        null),
                new Scenario(
                        "wrong signature",
                        none.withWrongSignatureRate(0.3),
                        60,
                        10,
                        false,
                        c -> c.wrongSignatures.get(),
                        "gateway_webhooks_rejected_total{reason=\"signature\"}"),
                new Scenario(
                        "webhooks silent", none.withWebhooksSilent(true), 60, 10, false, c -> c.silenced.get(), null));
    }

    @Inject
    CallSimulator simulator;

    @Inject
    WebhookSender webhooks;

    @Inject
    SimulatorClock clock;

    @Inject
    CallingBoxConfig upstream;

    @Inject
    PollerLease lease;

    @Inject
    Poller poller;

    final GatewayClient gateway = new GatewayClient(WiredToTheSandbox.PORT);

    @BeforeEach
    void wiredToTheSimulator() {
        // Were a test resource to win over the profile, the poller would talk to WireMock and only the
        // webhooks would reach the gateway: the runs below would prove much less than they claim
        assertEquals(WiredToTheSandbox.SIMULATOR_URL, upstream.baseUrl());
        assertEquals(SandboxDefaults.API_KEY, upstream.apiKey().orElse(null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void theGatewayConvergesToTheSimulatorsCalls(Scenario scenario) {
        simulator.reset();
        webhooks.faults(scenario.faults());
        String feedStart = gateway.feedHead();
        double noticedBefore = scenario.gatewayNoticed() == null ? 0 : gateway.metric(scenario.gatewayNoticed());

        List<String> firstWave =
                placeCalls(0, scenario.outbound() / 2, scenario.inbound() / 2, scenario.inlineWebhooks());
        // The second wave comes once the gateway knows the first, so discovery's high-water mark moves
        // past first-wave calls still under way: only the refresh of unsettled calls can finish them
        await().atMost(CONVERGE_WITHIN)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> firstWave.stream().allMatch(gateway::knows));
        placeCalls(
                scenario.outbound() / 2,
                scenario.outbound(),
                scenario.inbound() - scenario.inbound() / 2,
                scenario.inlineWebhooks());

        List<ObjectNode> truth = awaitSettled(scenario.outbound() + scenario.inbound());
        assertConverged(truth, feedStart, scenario.faults().webhooksSilent());

        if (scenario.struck() != null) {
            // Duplicates follow successful deliveries only, so this is checked once the gateway has caught up
            assertTrue(scenario.struck().applyAsLong(webhooks.counters()) > 0, scenario + " struck");
        }
        if (scenario.gatewayNoticed() != null) {
            await().atMost(CONVERGE_WITHIN).until(() -> gateway.metric(scenario.gatewayNoticed()) > noticedBefore);
        }
    }

    /**
     * Webhooks fail for "two days" while another replica holds the poller lease, so CallingBox gives up
     * on every delivery before this replica polls. Once the webhooks work again and the lease is free,
     * this replica takes over and asks CallingBox to send each given-up delivery again, exactly once,
     * and each arrives and is judged once.
     */
    @Test
    void deliveriesCallingBoxGaveUpOnArriveOnceThePollerAsksAgain() {
        simulator.reset();
        // Two days of retries in about three seconds
        clock.scale(60_000);
        webhooks.faults(FaultSettings.none().withWebhooksSilent(true));
        String feedStart = gateway.feedHead();
        await().atMost(CONVERGE_WITHIN).until(() -> {
            poller.release();
            return lease.tryAcquire(OTHER_REPLICA, Duration.ofMinutes(5)).isPresent();
        });
        List<ObjectNode> truth;
        try {
            placeCalls(0, 16, 4, false);
            truth = awaitSettled(20);
            await().atMost(SETTLE_WITHIN).until(() -> deliveries().allMatch(d -> hasStatus(d, "exhausted")));
            webhooks.faults(FaultSettings.none());
        } finally {
            lease.release(OTHER_REPLICA);
        }

        await().atMost(CONVERGE_WITHIN).until(() -> deliveries().allMatch(d -> hasStatus(d, "delivered")));
        deliveries()
                .forEach(d -> assertEquals(
                        1, d.get("manual_retry_count").asInt(), "delivery " + d.get("id") + " was asked for once"));
        assertConverged(truth, feedStart, false);
    }

    private List<ObjectNode> awaitSettled(int calls) {
        await().atMost(SETTLE_WITHIN)
                .until(() -> simulator.calls().stream().allMatch(SandboxConvergenceTest::doneChanging));
        List<ObjectNode> truth = simulator.calls();
        assertEquals(calls, truth.size());
        return truth;
    }

    /** The simulator's delivery records, as {@code GET /v1/webhook_deliveries} shows them. */
    private Stream<ObjectNode> deliveries() {
        return webhooks.list(d -> true, Integer.MAX_VALUE).stream().map(WebhookDelivery::toJson);
    }

    private static boolean hasStatus(ObjectNode delivery, String status) {
        return status.equals(delivery.get("status").asText());
    }

    /**
     * Every call, at {@code /calls/{id}} and at the end of its events, equals the simulator's; and every
     * webhook was judged once.
     */
    private void assertConverged(List<ObjectNode> truth, String feedStart, boolean webhooksSilent) {
        await().atMost(CONVERGE_WITHIN)
                .pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> truth.forEach(call -> {
                    String id = call.get("id").asText();
                    assertSameCall("call " + id, call, gateway.call(id));
                }));
        assertEventLogEndsInTheTruth(truth, feedStart);
        assertEachWebhookDecidedOnce(truth, webhooksSilent);
    }

    /**
     * Each call's events, read from the feed as a consumer reads it, start with its creation, number
     * its changes without gaps, each change something, never move its status back, and end in exactly
     * the simulator's call.
     */
    private void assertEventLogEndsInTheTruth(List<ObjectNode> truth, String feedStart) {
        Map<String, List<JsonNode>> events = gateway.eventsAfter(feedStart);
        for (ObjectNode call : truth) {
            String id = call.get("id").asText();
            List<JsonNode> history = events.get(id);
            assertNotNull(history, "the feed has events of call " + id);
            assertEquals("call.created", history.get(0).get("type").asText(), "call " + id + " starts created");
            int previousRank = -1;
            for (int i = 0; i < history.size(); i++) {
                JsonNode event = history.get(i);
                String where = "call " + id + " event " + event.get("id");
                assertEquals(i + 1, event.get("call_seq").asInt(), where + ": call_seq without gaps");
                assertFalse(event.get("changes").isEmpty(), where + ": changes something");
                int rank = statusRank(event.get("call").get("status").asText());
                assertTrue(rank >= previousRank, where + ": status never moves back");
                previousRank = rank;
            }
            JsonNode last = history.get(history.size() - 1);
            assertSameCall("call " + id + " after its last event " + last.get("id"), call, last.get("call"));
        }
    }

    /**
     * A webhook is judged once however often it arrives (duplicates and retries stop at its event id),
     * and when webhooks are silent, every snapshot the gateway judged came from its own polls.
     */
    private void assertEachWebhookDecidedOnce(List<ObjectNode> truth, boolean webhooksSilent) {
        for (ObjectNode call : truth) {
            String id = call.get("id").asText();
            Set<String> judged = new HashSet<>();
            for (JsonNode decision : gateway.decisions(id)) {
                String source = decision.get("source").asText();
                if (webhooksSilent) {
                    assertFalse("webhook".equals(source), "call " + id + " heard nothing from a silent upstream");
                }
                JsonNode eventId = decision.get("upstream_event_id");
                if (eventId != null && !eventId.isNull()) {
                    assertTrue(judged.add(eventId.asText()), "call " + id + ": webhook " + eventId + " judged once");
                }
            }
        }
    }

    /**
     * Places outbound calls {@code from} to {@code to} (a third of them to scenario numbers, and with
     * inline webhooks a quarter with a webhook_url to the gateway) and inbound ones.
     */
    private List<String> placeCalls(int from, int to, int inbound, boolean inlineWebhooks) {
        List<String> ids = new ArrayList<>();
        IntStream.range(from, to)
                .forEach(i -> ids.add(gateway.placeCall(
                        i % 3 == 0 ? scenario(i) : "+1312555%04d".formatted(i), inlineWebhooks && i % 4 == 1)));
        IntStream.range(0, inbound)
                .forEach(i -> ids.add(simulator.receiveInbound().id.toString()));
        return ids;
    }

    /**
     * Whether the simulator will not change the call any more: settled, and the inline delivery of its
     * call.completed, if it has one, no longer pending. (A call that never completes sends no
     * call.completed, and its webhook_status stays pending.)
     */
    private static boolean doneChanging(JsonNode call) {
        return SandboxTesting.settled(call)
                && !("completed".equals(call.get("status").asText())
                        && "pending".equals(call.get("webhook_status").asText()));
    }

    private static int statusRank(String status) {
        int rank = List.of("queued", "initiated", "ringing", "in_progress").indexOf(status);
        return rank >= 0 ? rank : 4;
    }

    private static String scenario(int i) {
        Outcome[] outcomes = Outcome.values();
        return outcomes[(i / 3) % outcomes.length].scenarioNumber;
    }
}
