package io.callingboxgateway.events;

import io.callingboxgateway.calls.CallFieldParams;
import io.callingboxgateway.database.ReadBudget;
import io.callingboxgateway.security.Scope;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestQuery;

@Path("/events/stream")
@Tag(name = "Events")
public class EventStreamResource {

    private final EventFeed feed;
    private final EventStreams streams;
    private final ReadBudget budget;
    private final SecurityIdentity reader;

    EventStreamResource(EventFeed feed, EventStreams streams, ReadBudget budget, SecurityIdentity reader) {
        this.feed = feed;
        this.reader = reader;
        this.budget = budget;
        this.streams = streams;
    }

    @GET
    @Blocking
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @Operation(
            summary = "The feed as Server-Sent Events; resume with Last-Event-ID or ?after=",
            description = "Each replica serves gateway.events.max-streams streams at once (429 with Retry-After"
                    + " beyond); a stream ends after gateway.events.stream-max-lifetime with an event named"
                    + " resume that carries its cursor. Takes the call filters of GET /events (metadata.<key>"
                    + " too), tested on each event's whole call.")
    public Multi<OutboundSseEvent> stream(
            @RestQuery String after,
            @RestHeader("Last-Event-ID") String lastEventId,
            @RestQuery List<String> type,
            @RestQuery("call_id") String callId,
            @RestQuery @Parameter(description = EventFormat.PARAMETER_DESCRIPTION) String format,
            @BeanParam CallFieldParams call,
            @Context UriInfo uri,
            @Context Sse sse) {
        EventFilter filter =
                EventFilter.parse(type, callId).withCall(CallConditions.fromQuery(call, uri.getQueryParameters()));
        EventFormat chosen = EventFormat.parameter(format);
        // Outside the read filter (a stream would hold its place for its lifetime): the check takes one
        long start = budget.call(() -> lastEventId != null
                ? CursorParameter.resolve(feed, lastEventId, "Last-Event-ID")
                : CursorParameter.resolve(feed, after, "after"));
        streams.admit();
        return streams.open(start, filter, Scope.PII_READ.heldBy(reader), chosen, sse);
    }
}
