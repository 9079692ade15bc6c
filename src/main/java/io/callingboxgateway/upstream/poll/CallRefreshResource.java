package io.callingboxgateway.upstream.poll;

import io.callingboxgateway.problem.Problem;
import io.callingboxgateway.problem.ProblemException;
import io.callingboxgateway.problem.RequestValues;
import io.callingboxgateway.upstream.UpstreamException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/calls/{id}/refresh")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Calls", description = "The reconciled CallingBox calls")
public class CallRefreshResource {

    /** The answer: the call was re-read from CallingBox and handed to the reconciler. */
    public record Refreshed(UUID callId, String outcome, String status, String resultStatus) {}

    private final CallRefresher refresher;
    private final RefreshBulkhead bulkhead;

    CallRefreshResource(CallRefresher refresher, RefreshBulkhead bulkhead) {
        this.refresher = refresher;
        this.bulkhead = bulkhead;
    }

    /**
     * The re-read and its reconciliation are done when this answers, so the answer is 200 with what they
     * did, not 202: nothing is left to happen later.
     */
    @POST
    @Operation(summary = "Re-read one call from CallingBox now and reconcile it")
    @APIResponse(
            responseCode = "200",
            description = "The call was re-read and reconciled; the answer says with what outcome")
    @APIResponse(responseCode = "404", description = "CallingBox does not know the call; nothing was stored")
    @APIResponse(
            responseCode = "429",
            description = "This replica already runs gateway.refresh.max-concurrent refreshes")
    @APIResponse(responseCode = "503", description = "CallingBox is unavailable or not configured")
    public Refreshed refresh(@PathParam("id") String id) {
        UUID callId = RequestValues.uuid("id", id);
        CallRefresher.Read read = bulkhead.run(() -> reRead(callId))
                .orElseThrow(() -> ProblemException.notFound("CallingBox does not know call " + callId));
        return new Refreshed(
                callId,
                read.outcome().wireName(),
                read.call().status(),
                read.call().resultStatus());
    }

    private Optional<CallRefresher.Read> reRead(UUID callId) {
        try {
            return refresher.refresh(callId, Instant.now());
        } catch (UpstreamException e) {
            throw unavailable(e);
        }
    }

    private static ProblemException unavailable(UpstreamException e) {
        if (e.kind() == UpstreamException.Kind.NOT_CONFIGURED) {
            return new ProblemException(Problem.of(
                    503,
                    "upstream-not-configured",
                    "CallingBox is not configured",
                    "This gateway has no CALLINGBOX_API_KEY, so it cannot read calls from CallingBox"));
        }
        return new ProblemException(Problem.of(
                503,
                "upstream-unavailable",
                "CallingBox is unavailable",
                "Could not re-read the call from CallingBox (" + e.kind().tag() + "); try again later"));
    }
}
