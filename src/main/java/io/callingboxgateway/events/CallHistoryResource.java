package io.callingboxgateway.events;

import io.callingboxgateway.problem.ProblemException;
import io.callingboxgateway.problem.RequestValues;
import io.callingboxgateway.security.Scope;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestQuery;

@Path("/calls/{id}/events")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Events")
public class CallHistoryResource {

    private final CallHistoryService history;
    private final SecurityIdentity reader;

    CallHistoryResource(CallHistoryService history, SecurityIdentity reader) {
        this.history = history;
        this.reader = reader;
    }

    @GET
    @Operation(summary = "Why is this call in this state? Every snapshot judged, oldest first")
    public CallHistory history(
            @PathParam("id") String id,
            @RestQuery @Parameter(description = "A next_cursor of this list") String after,
            @RestQuery @Parameter(description = "1 to 500; default 100") String limit) {
        UUID call = RequestValues.uuid("id", id);
        int size = RequestValues.intInRange("limit", limit, 1, 500, 100);
        CallHistory found = history.of(call, decisionId(after), size)
                .orElseThrow(() -> ProblemException.notFound("no call with id " + id));
        return Scope.PII_READ.heldBy(reader) ? found : found.masked();
    }

    private static long decisionId(String after) {
        return RequestValues.position("after", after, "after must be a next_cursor of this list");
    }
}
