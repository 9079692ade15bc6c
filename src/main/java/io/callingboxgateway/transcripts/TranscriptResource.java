package io.callingboxgateway.transcripts;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.callingboxgateway.problem.ProblemException;
import io.callingboxgateway.problem.RequestValues;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * A call's stored transcript. It is personal data: the HTTP permissions ask for both {@code calls:read}
 * and {@code pii:read} (application.properties).
 */
@Path("/calls/{id}/transcript")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Calls", description = "The reconciled CallingBox calls")
public class TranscriptResource {

    /** The answer, shaped like CallingBox's own transcript. */
    public record Transcript(@JsonProperty("call_id") UUID callId, JsonNode segments) {}

    private final TranscriptStore store;

    TranscriptResource(TranscriptStore store) {
        this.store = store;
    }

    @GET
    @Operation(summary = "A call's transcript, once fetched from CallingBox; needs calls:read and pii:read")
    public Transcript get(@PathParam("id") String id) {
        UUID callId = RequestValues.uuid("id", id);
        return store.segments(callId)
                .map(segments -> new Transcript(callId, segments))
                .orElseThrow(() -> ProblemException.notFound("no transcript of call " + callId));
    }
}
