package io.callingboxgateway.subscriptions;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.callingboxgateway.events.CursorParameter;
import io.callingboxgateway.events.EventFeed;
import io.callingboxgateway.problem.Problem;
import io.callingboxgateway.problem.ProblemException;
import io.callingboxgateway.problem.RequestValues;
import io.callingboxgateway.security.Scope;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestQuery;

@Path("/subscriptions")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Subscriptions", description = "Signed push of events to internal subscribers, in order, at least once")
public class SubscriptionResource {

    private final SubscriptionService subscriptions;
    private final DeadLetters deadLetters;
    private final EventFeed feed;
    private final SecurityIdentity caller;

    @Inject
    ObjectMapper json;

    SubscriptionResource(
            SubscriptionService subscriptions, DeadLetters deadLetters, EventFeed feed, SecurityIdentity caller) {
        this.subscriptions = subscriptions;
        this.caller = caller;
        this.deadLetters = deadLetters;
        this.feed = feed;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Subscribe a URL; the response carries the signing secret, shown only this once")
    @APIResponse(responseCode = "409", description = "gateway.subscriptions.max subscriptions exist already")
    @APIResponse(responseCode = "403", description = "include_personal_data without the pii:read scope")
    public Response create(@Valid @NotNull SubscriptionRequest body, @Context UriInfo uri) {
        if (body.wantsPersonalData() && !Scope.PII_READ.heldBy(caller)) {
            // A subscription would otherwise hand its creator personal data the credential may not read
            throw new ProblemException(Problem.of(
                    403, "forbidden", "Forbidden", "include_personal_data needs a credential with the pii:read scope"));
        }
        SubscriptionView created = subscriptions.create(body);
        return Response.created(uri.getAbsolutePathBuilder()
                        .path(created.id().toString())
                        .build())
                .entity(created)
                .build();
    }

    @GET
    @Operation(summary = "Subscriptions with their delivery state, oldest first, a page at a time")
    public SubscriptionList list(
            @RestQuery @Parameter(description = "A next_cursor of this list") String after,
            @RestQuery @Parameter(description = "1 to 500; default 100") String limit) {
        int size = RequestValues.intInRange("limit", limit, 1, 500, 100);
        return subscriptions.list(after == null ? null : SubscriptionCursor.decode(after), size);
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One subscription with its delivery state")
    public SubscriptionView get(@PathParam("id") String id) {
        return subscriptions.find(uuid(id)).orElseThrow(() -> notFound(id));
    }

    @PATCH
    @Path("/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Change url, event_types, description, enabled or format; re-enabling clears the failure state")
    public SubscriptionView update(@PathParam("id") String id, @Valid @NotNull SubscriptionPatch body) {
        return subscriptions.update(uuid(id), body).orElseThrow(() -> notFound(id));
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Stop pushing and forget the subscription")
    public Response delete(@PathParam("id") String id) {
        if (!subscriptions.delete(uuid(id))) {
            throw notFound(id);
        }
        return Response.noContent().build();
    }

    @POST
    @Path("/{id}/replay")
    @Operation(
            summary = "Deliver again every wanted event after a cursor, or a window of events, in order",
            description = "With ?from=: moves the subscriber's position to the cursor (a cursor ahead of it"
                    + " skips forward); dead letters after it are dropped, since those events are queued again."
                    + " With a body (since/until or from_event_id): posts again the wanted events of that window"
                    + " committed so far, with the header webhook-replay: true, once the live line has caught"
                    + " up, leaving the live position alone; a new replay replaces a waiting one. 410 when"
                    + " retention deleted part of the window.")
    public Response replay(
            @PathParam("id") String id,
            @RestQuery @Parameter(description = "An event id or feed cursor; delivery resumes after it") String from,
            @RequestBody(
                            description = "Instead of from: {\"since\": ..., \"until\": ...} (RFC 3339, on occurred_at)"
                                    + " or {\"from_event_id\": ...}; re-delivers that window beside the live"
                                    + " position, marked webhook-replay: true")
                    String body) {
        UUID subscription = uuid(id);
        ReplayRequest window = ReplayRequest.parse(json, body);
        if (window != null) {
            return replayWindow(id, subscription, window, from);
        }
        if (from == null || from.isEmpty()) {
            throw ProblemException.invalidParameter(
                    "from", "from is required: the event id (or feed cursor) after which to deliver again");
        }
        // An unknown subscription is 404 whatever the cursor says, so it is looked up first.
        subscriptions.find(subscription).orElseThrow(() -> notFound(id));
        long position = CursorParameter.resolve(feed, from, "from");
        SubscriptionView moved = subscriptions.replay(subscription, position).orElseThrow(() -> notFound(id));
        return Response.accepted(moved).build();
    }

    private Response replayWindow(String id, UUID subscription, ReplayRequest window, String from) {
        if (from != null) {
            throw ProblemException.invalidParameter(
                    "from", "give either from (moves the live position) or a replay body (beside it), not both");
        }
        subscriptions.find(subscription).orElseThrow(() -> notFound(id));
        SubscriptionView replaying =
                subscriptions.replayWindow(subscription, window.resolve(feed)).orElseThrow(() -> notFound(id));
        return Response.accepted(replaying).build();
    }

    @POST
    @Path("/{id}/rotate-secret")
    @Operation(
            summary = "Issue a new signing secret, shown only in this answer",
            description = "Until previous_secret_expires_at, each push carries signatures with both the new and"
                    + " the replaced secret (space-separated in webhook-signature), so the subscriber can switch"
                    + " without losing a push")
    public SecretRotation rotateSecret(@PathParam("id") String id) {
        return subscriptions.rotateSecret(uuid(id)).orElseThrow(() -> notFound(id));
    }

    @GET
    @Path("/{id}/dead_letters")
    @Operation(summary = "Events given up on after the maximum number of attempts, oldest first")
    public DeadLetterPage deadLetters(
            @PathParam("id") String id,
            @RestQuery @Parameter(description = "An event id or next_cursor") String after,
            @RestQuery @Parameter(description = "1 to 500; default 100") String limit) {
        int size = RequestValues.intInRange("limit", limit, 1, 500, 100);
        return deadLetters.page(uuid(id), eventId(after), size).orElseThrow(() -> notFound(id));
    }

    private static long eventId(String after) {
        return RequestValues.position("after", after, "after must be an event id or a next_cursor of this list");
    }

    private static UUID uuid(String id) {
        return RequestValues.uuid("id", id);
    }

    private static ProblemException notFound(String id) {
        return ProblemException.notFound("no subscription with id " + id);
    }
}
