package io.callingboxgateway.events;

import io.callingboxgateway.problem.ProblemException;
import io.callingboxgateway.problem.RequestValues;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/calls/{id}/events")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Events")
public class CallHistoryResource {

    private final CallHistoryService history;

    CallHistoryResource(CallHistoryService history) {
        this.history = history;
    }

    @GET
    @Operation(summary = "Why is this call in this state? Every snapshot judged, oldest first")
    public CallHistory history(@PathParam("id") String id) {
        return history.of(RequestValues.uuid("id", id))
                .orElseThrow(() -> ProblemException.notFound("no call with id " + id));
    }
}
