package io.callingboxgateway.sandbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.arc.profile.IfBuildProfile;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The simulated CallingBox API, at {@code /sandbox/callingbox/v1/...} on the gateway's own port. It
 * answers as CallingBox documents, errors included ({@code {"error": "..."}}, not problem JSON).
 */
@Path(SandboxDefaults.BASE_PATH + "/v1")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Sandbox: simulated CallingBox", description = "Dev and test builds only")
@IfBuildProfile(anyOf = {"dev", "test"})
public class CallingBoxSimulatorResource {

    private static final Logger LOG = Logger.getLogger(CallingBoxSimulatorResource.class);
    private static final List<String> DELIVERY_STATUSES = List.of("pending", "delivered", "exhausted");
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 200;

    private final CallSimulator simulator;
    private final WebhookSender webhooks;
    private final SandboxConfig config;
    private final ObjectMapper json;

    CallingBoxSimulatorResource(
            CallSimulator simulator, WebhookSender webhooks, SandboxConfig config, ObjectMapper json) {
        this.simulator = simulator;
        this.webhooks = webhooks;
        this.config = config;
        this.json = json;
    }

    @POST
    @Path("/calls")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Dispatch an outbound call from an agent")
    public Response place(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, String body) {
        authorize(authorization);
        return Response.status(201)
                .entity(simulator.place(CallRequest.parse(parse(body))))
                .build();
    }

    @GET
    @Path("/calls")
    @Operation(summary = "Every call, newest first, as a bare array")
    public List<ObjectNode> list(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        authorize(authorization);
        return simulator.calls();
    }

    @GET
    @Path("/calls/{id}")
    @Operation(summary = "One call by id")
    public ObjectNode get(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @PathParam("id") String id) {
        authorize(authorization);
        return uuid(id).flatMap(simulator::call)
                .orElseThrow(() -> new CallingBoxError(404, "call " + id + " not found"));
    }

    @GET
    @Path("/calls/{id}/transcript")
    @Operation(summary = "A call's transcript: synthetic segments once it completed with a conversation")
    public ObjectNode transcript(
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @PathParam("id") String id) {
        authorize(authorization);
        return uuid(id).flatMap(simulator::call)
                .flatMap(call -> SyntheticTranscript.of(call, json))
                .orElseThrow(() -> new CallingBoxError(404, "transcript of call " + id + " not found"));
    }

    @GET
    @Path("/webhook_deliveries")
    @Operation(summary = "Webhook delivery records, newest first")
    public ObjectNode deliveries(
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @QueryParam("endpoint_id") String endpointId,
            @QueryParam("call_id") String callId,
            @QueryParam("status") String status,
            @QueryParam("limit") String limit) {
        authorize(authorization);
        Predicate<WebhookDelivery> filter = d -> true;
        if (endpointId != null) {
            UUID endpoint = requiredUuid("endpoint_id", endpointId);
            filter = filter.and(d -> endpoint.equals(d.endpointId));
        }
        if (callId != null) {
            UUID call = requiredUuid("call_id", callId);
            filter = filter.and(d -> call.equals(d.callId));
        }
        if (status != null) {
            if (!DELIVERY_STATUSES.contains(status)) {
                throw CallingBoxError.badRequest("status must be one of pending, delivered, exhausted");
            }
            filter = filter.and(d -> Objects.equals(status, d.status));
        }
        int max = limit(limit);
        ObjectNode page = JsonNodeFactory.instance.objectNode();
        ArrayNode data = page.putArray("data");
        webhooks.list(filter, max).forEach(d -> data.add(d.toJson()));
        return page;
    }

    @POST
    @Path("/webhook_deliveries/{id}/redeliver")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Put a delivery back to pending, same event id, and send it again")
    public ObjectNode redeliver(
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @PathParam("id") String id) {
        authorize(authorization);
        return uuid(id).flatMap(webhooks::redeliver)
                .orElseThrow(() -> new CallingBoxError(404, "webhook delivery " + id + " not found"));
    }

    @ServerExceptionMapper
    Response refused(CallingBoxError e) {
        return error(e.status, e.getMessage());
    }

    /** Routing and content negotiation failures inside this API, in CallingBox's error shape. */
    @ServerExceptionMapper
    Response framework(WebApplicationException e) {
        Response.StatusType status = e.getResponse().getStatusInfo();
        return error(status.getStatusCode(), status.getReasonPhrase().toLowerCase(Locale.ROOT));
    }

    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 1000)
    Response unexpected(RuntimeException e) {
        LOG.error("Sandbox simulator failed", e);
        return error(500, "internal error");
    }

    private static Response error(int status, String message) {
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("error", message);
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON)
                .entity(body)
                .build();
    }

    private void authorize(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            throw new CallingBoxError(401, "missing API key: send Authorization: Bearer sk_...");
        }
        String key = authorization.startsWith("Bearer ")
                ? authorization.substring("Bearer ".length()).trim()
                : "";
        boolean valid = key.startsWith("sk_")
                && MessageDigest.isEqual(
                        key.getBytes(StandardCharsets.UTF_8), config.apiKey().getBytes(StandardCharsets.UTF_8));
        if (!valid) {
            throw new CallingBoxError(401, "invalid API key");
        }
    }

    private JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            throw CallingBoxError.badRequest("request body must be a JSON object");
        }
        try {
            return json.readTree(body);
        } catch (JsonProcessingException e) {
            throw CallingBoxError.badRequest("request body is not valid JSON");
        }
    }

    private static int limit(String raw) {
        if (raw == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(raw);
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw CallingBoxError.badRequest("limit must be a whole number from 1 to " + MAX_LIMIT);
    }

    private static UUID requiredUuid(String name, String raw) {
        return uuid(raw).orElseThrow(() -> CallingBoxError.badRequest(name + " must be a UUID"));
    }

    private static Optional<UUID> uuid(String raw) {
        try {
            return Optional.of(UUID.fromString(raw));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
