package io.callingboxgateway.sandbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.arc.profile.IfBuildProfile;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Controls of the sandbox: what it is wired to, which faults strike, whether synthetic calls trickle in. */
@Path("/sandbox")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Sandbox: controls", description = "Dev and test builds only")
@IfBuildProfile(anyOf = {"dev", "test"})
public class SandboxControlResource {

    private static final Set<String> TRICKLE_FIELDS = Set.of("enabled", "every");

    private final CallSimulator simulator;
    private final WebhookSender webhooks;
    private final Trickle trickle;
    private final SimulatorClock clock;
    private final ObjectMapper json;

    SandboxControlResource(
            CallSimulator simulator, WebhookSender webhooks, Trickle trickle, SimulatorClock clock, ObjectMapper json) {
        this.simulator = simulator;
        this.webhooks = webhooks;
        this.trickle = trickle;
        this.clock = clock;
        this.json = json;
    }

    @GET
    @Operation(summary = "Where the simulator is, where its webhooks go, and what is happening")
    public ObjectNode overview() {
        ObjectNode overview = JsonNodeFactory.instance.objectNode();
        overview.put("callingbox_base_url", webhooks.gatewayRoot() + SandboxDefaults.BASE_PATH);
        overview.put(
                "webhook_endpoint", webhooks.endpoint().map(Object::toString).orElse(null));
        overview.put("time_scale", clock.scale());
        overview.put("calls", simulator.calls().size());
        overview.set("trickle", trickle.toJson());
        overview.set("faults", webhooks.faults().toJson());
        overview.set("fault_counts", webhooks.counters().toJson());
        return overview;
    }

    @GET
    @Path("/faults")
    @Operation(summary = "The webhook faults in force")
    public ObjectNode faults() {
        return webhooks.faults().toJson();
    }

    @PUT
    @Path("/faults")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Replace the webhook faults; a field left out means no such fault")
    public ObjectNode setFaults(String body) {
        FaultSettings faults = FaultSettings.fromJson(parse(body));
        webhooks.faults(faults);
        return faults.toJson();
    }

    @GET
    @Path("/calls/trickle")
    @Operation(summary = "Whether synthetic calls trickle in, and how often")
    public ObjectNode trickle() {
        return trickle.toJson();
    }

    @POST
    @Path("/calls/trickle")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Turn the trickle of synthetic calls on or off: {\"enabled\": true, \"every\": \"PT20S\"}")
    public ObjectNode setTrickle(String body) {
        JsonNode request = parse(body);
        if (!request.isObject()) {
            throw FaultSettings.invalid(null, "the body must be a JSON object");
        }
        request.fieldNames().forEachRemaining(name -> {
            if (!TRICKLE_FIELDS.contains(name)) {
                throw FaultSettings.invalid(name, "unknown field " + name + "; known fields are enabled, every");
            }
        });
        JsonNode enabled = request.get("enabled");
        if (enabled == null || !enabled.isBoolean()) {
            throw FaultSettings.invalid("enabled", "enabled must be true or false");
        }
        trickle.set(enabled.booleanValue(), every(request.get("every")));
        return trickle.toJson();
    }

    private Duration every(JsonNode every) {
        if (every == null || every.isNull()) {
            return trickle.every();
        }
        try {
            if (every.isTextual()) {
                return Duration.parse(every.textValue());
            }
        } catch (DateTimeParseException e) {
            // answered below
        }
        throw FaultSettings.invalid("every", "every must be an ISO-8601 duration such as PT20S");
    }

    private JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            throw FaultSettings.invalid(null, "the body must be a JSON object");
        }
        try {
            return json.readTree(body);
        } catch (JsonProcessingException e) {
            throw FaultSettings.invalid(null, "the body is not valid JSON");
        }
    }
}
