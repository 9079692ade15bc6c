package io.callingboxgateway.sandbox;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.arc.profile.IfBuildProfile;
import io.quarkus.vertx.http.HttpServerStart;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.ObservesAsync;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * The simulated CallingBox organisation: its calls, held in memory, and the lifecycles that move them
 * from {@code queued} to a terminal status, firing the documented events on the way. Its calls are
 * the ground truth the gateway must converge to.
 */
@ApplicationScoped
@IfBuildProfile(anyOf = {"dev", "test"})
public class CallSimulator {

    private static final Logger LOG = Logger.getLogger(CallSimulator.class);
    private static final List<String> AREA_CODES = List.of("202", "312", "415", "512", "617", "718");
    private static final List<String> CUSTOMERS =
            List.of("Ada Byron", "Grace Hopper", "Alan Turing", "Edsger Dijkstra");

    private final Map<UUID, SimulatedCall> calls = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();
    private final SimulatorClock clock;
    private final SimulatorRandom random;
    private final WebhookSender webhooks;
    private final SandboxConfig config;
    private volatile long epoch;

    CallSimulator(SimulatorClock clock, SimulatorRandom random, WebhookSender webhooks, SandboxConfig config) {
        this.clock = clock;
        this.random = random;
        this.webhooks = webhooks;
        this.config = config;
    }

    /** Tells a newcomer where the simulator is and whether the gateway is wired to it. */
    void announce(@ObservesAsync HttpServerStart started) {
        String simulator = webhooks.gatewayRoot() + SandboxDefaults.BASE_PATH;
        String upstream = ConfigProvider.getConfig()
                .getOptionalValue("callingbox.base-url", String.class)
                .orElse("(not configured)");
        LOG.infof(
                "Sandbox: simulated CallingBox at %s (API key %s...), webhooks to %s, time scale %s",
                simulator,
                config.apiKey().substring(0, Math.min(11, config.apiKey().length())),
                webhooks.endpoint().map(Object::toString).orElse("nowhere"),
                clock.scale());
        if (!upstream.equals(simulator)) {
            LOG.infof("Sandbox: the gateway itself talks to %s, not to the simulator", upstream);
        }
    }

    /**
     * {@code POST /v1/calls}: dispatches an outbound call from the sandbox's outbound agent, and answers
     * the call object as placed (queued): with a compressed clock its life may move on at once.
     */
    ObjectNode place(CallRequest request) {
        SandboxAgent agent = SandboxAgent.byId(request.agentId());
        if (agent == null) {
            throw CallingBoxError.badRequest("agent " + request.agentId() + " not found");
        }
        if (agent != SandboxAgent.OUTBOUND) {
            throw CallingBoxError.badRequest(
                    "agent " + agent.id + " is an inbound agent; dispatch from an outbound one");
        }
        String from = request.fromNumber() != null ? request.fromNumber() : SandboxDefaults.OUTBOUND_NUMBERS.get(0);
        if (!SandboxDefaults.OUTBOUND_NUMBERS.contains(from)) {
            throw CallingBoxError.badRequest("from_number is not attached to agent " + agent.id);
        }
        if (Outcome.PLACEMENT_FAILURE_NUMBER.equals(request.to())) {
            throw new CallingBoxError(502, "the telephony provider could not place the call");
        }
        Outcome outcome = Outcome.forNumber(request.to()).orElseGet(() -> Outcome.random(random));
        SimulatedCall call = newCall(outcome, agent, "outbound");
        call.toNumber = request.to();
        call.fromNumber = from;
        call.instructions = request.instructions() != null ? request.instructions() : agent.instructions;
        call.prompt = agent.prompt(call.instructions);
        call.context = request.context() != null ? request.context() : JsonNodeFactory.instance.objectNode();
        call.metadata = request.metadata() != null ? request.metadata() : JsonNodeFactory.instance.objectNode();
        call.webhookUrl = request.webhookUrl();
        call.webhookStatus = request.webhookUrl() == null ? "none" : "pending";
        return start(call, agent).placed();
    }

    /** A call rings the sandbox's inbound number and its inbound agent answers. */
    SimulatedCall receiveInbound() {
        SandboxAgent agent = SandboxAgent.INBOUND;
        SimulatedCall call = newCall(random.pick(Outcome.INBOUND), agent, "inbound");
        call.toNumber = SandboxDefaults.INBOUND_NUMBER;
        call.fromNumber = fictionalNumber();
        call.instructions = agent.instructions;
        call.prompt = agent.prompt(agent.instructions);
        call.metadata = JsonNodeFactory.instance.objectNode();
        call.webhookStatus = "none";
        return start(call, agent).call();
    }

    /** One call of the trickle: mostly outbound calls to fictional numbers, some inbound ones. */
    void placeSynthetic() {
        if (random.chance(config.trickle().inboundShare())) {
            receiveInbound();
            return;
        }
        ObjectNode context = JsonNodeFactory.instance.objectNode().put("customer_name", random.pick(CUSTOMERS));
        ObjectNode metadata = JsonNodeFactory.instance.objectNode().put("origin", "sandbox-trickle");
        place(new CallRequest(
                SandboxDefaults.OUTBOUND_AGENT_ID, fictionalNumber(), null, null, context, metadata, null));
    }

    /** Every call, newest first, as {@code GET /v1/calls} serves it: the simulator's ground truth. */
    public List<ObjectNode> calls() {
        return calls.values().stream()
                .sorted(Comparator.comparing((SimulatedCall c) -> c.createdAt)
                        .thenComparingLong(c -> c.sequence)
                        .reversed())
                .map(SimulatedCall::toJson)
                .toList();
    }

    public Optional<ObjectNode> call(UUID id) {
        return Optional.ofNullable(calls.get(id)).map(SimulatedCall::toJson);
    }

    /** Forgets every call and delivery and stops every lifecycle and retry under way. */
    public void reset() {
        epoch++;
        calls.clear();
        webhooks.reset(config);
        clock.scale(config.timeScale());
    }

    private SimulatedCall newCall(Outcome outcome, SandboxAgent agent, String direction) {
        SimulatedCall call = new SimulatedCall(random.uuid(), sequence.incrementAndGet(), epoch, outcome, clock.now());
        call.agentId = agent.id;
        call.direction = direction;
        call.persona = agent.persona;
        call.returns = agent.returns();
        return call;
    }

    private Started start(SimulatedCall call, SandboxAgent agent) {
        List<LifecyclePlan.Step> steps = new LifecyclePlan(random).plan(call, agent);
        ObjectNode placed;
        synchronized (call) {
            calls.put(call.id, call);
            webhooks.emit(call, "call.queued");
            placed = call.toJson();
        }
        run(call, steps, 0);
        return new Started(call, placed);
    }

    /** A call whose life has begun, and its call object as it was when placed. */
    private record Started(SimulatedCall call, ObjectNode placed) {}

    private void run(SimulatedCall call, List<LifecyclePlan.Step> steps, int index) {
        if (index == steps.size()) {
            return;
        }
        LifecyclePlan.Step step = steps.get(index);
        clock.afterSimulated(step.after(), () -> {
            if (call.epoch != epoch) {
                return;
            }
            synchronized (call) {
                Instant now = clock.now();
                step.change().accept(call, now);
                call.touch(now);
                if (step.event() != null) {
                    webhooks.emit(call, step.event());
                }
            }
            run(call, steps, index + 1);
        });
    }

    /** A US number in the 555-01xx range, which is reserved for fiction. */
    private String fictionalNumber() {
        return "+1" + random.pick(AREA_CODES) + "55501" + String.format("%02d", random.between(0, 99));
    }
}
