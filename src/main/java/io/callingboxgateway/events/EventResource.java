package io.callingboxgateway.events;

import io.callingboxgateway.calls.CallFieldParams;
import io.callingboxgateway.problem.RequestValues;
import io.callingboxgateway.security.Scope;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestQuery;

@Path("/events")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Events", description = "Every accepted change of a call, in commit order, resumable")
public class EventResource {

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 500;

    private final EventFeed feed;
    private final SecurityIdentity reader;
    private final EventRendering rendering;

    EventResource(EventFeed feed, SecurityIdentity reader, EventRendering rendering) {
        this.feed = feed;
        this.reader = reader;
        this.rendering = rendering;
    }

    @GET
    @Operation(
            summary = "Events after a cursor, oldest first; save next_cursor and come back with it",
            description = "Filters test the call as it stood right after each event, before any masking:"
                    + " the call-field parameters of GET /calls, and metadata.<key>=<value> for an exact"
                    + " match on a top-level metadata key (a string, number or boolean as written)."
                    + " since and until select by occurred_at.")
    @APIResponse(
            responseCode = "200",
            description = "A page of events; with format=cloudevents each item of data is a CloudEvent",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(oneOf = {EventPage.class, CloudEventPage.class})))
    public Object page(
            @RestQuery @Parameter(description = "An event id or next_cursor; absent: the oldest retained event")
                    String after,
            @RestQuery @Parameter(description = "1 to 500; default 100") String limit,
            @RestQuery @Parameter(description = "Event type; repeat for several") List<String> type,
            @RestQuery("call_id") @Parameter(description = "Only this call's events") String callId,
            @RestQuery
                    @Parameter(
                            description = "RFC 3339 timestamp: only events that occurred at or after it; 410 when"
                                    + " retention deleted part of that range")
                    String since,
            @RestQuery @Parameter(description = "RFC 3339 timestamp: only events that occurred before it") String until,
            @RestQuery @Parameter(description = EventFormat.PARAMETER_DESCRIPTION) String format,
            @BeanParam CallFieldParams call,
            @Context UriInfo uri) {
        EventFilter filter = EventFilter.parse(type, callId);
        EventFormat chosen = EventFormat.parameter(format);
        int size = RequestValues.intInRange("limit", limit, 1, MAX_LIMIT, DEFAULT_LIMIT);
        TimeWindow window = TimeWindow.parse(since, until);
        filter = filter.withCall(CallConditions.fromQuery(call, uri.getQueryParameters()))
                .within(window.since(), window.until());
        long start = CursorParameter.resolve(feed, after, "after");
        if (after == null || after.isEmpty()) {
            window.requireRetained(feed, "since");
        }
        EventPage page = feed.page(start, filter, size).as(Scope.PII_READ.heldBy(reader));
        // Mapped after masking: a CloudEvent carries only what this reader may see
        return chosen == EventFormat.CLOUDEVENTS ? rendering.cloudEvents(page) : page;
    }
}
