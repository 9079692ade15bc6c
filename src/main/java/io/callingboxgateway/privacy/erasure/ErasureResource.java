package io.callingboxgateway.privacy.erasure;

import com.fasterxml.jackson.databind.JsonNode;
import io.callingboxgateway.problem.RequestValues;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestQuery;

/** Erasure of one person's calls on request; the admin scope only (every path not listed is admin only). */
@Path("/erasures")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Erasures", description = "Erasure of personal data on request, and its audit (admin scope)")
public class ErasureResource {

    private final Erasures erasures;
    private final SecurityIdentity identity;

    ErasureResource(Erasures erasures, SecurityIdentity identity) {
        this.erasures = erasures;
        this.identity = identity;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(
            summary = "Erase every trace of the calls to or from a phone number, or of one call",
            description = "Body: {\"phone_number\": \"+15551234567\"} (matches to_number or from_number) or"
                    + " {\"call_id\": \"<uuid>\"}, exactly one. Each call is erased in its own transaction with its"
                    + " events, decisions, webhook receipts, transcript and pending pushes, and a call.erased event"
                    + " (the call id only) is appended. A later poll or webhook of an erased call stores it"
                    + " redacted. Answers the audit record, which never holds the number.")
    public ErasureView erase(JsonNode body) {
        return erasures.erase(ErasureRequest.parse(body), requestedBy());
    }

    @GET
    @Operation(summary = "The audit records of erasure requests, newest first")
    public ErasureList list(
            @RestQuery @Parameter(description = "A next_cursor of this list") String after,
            @RestQuery @Parameter(description = "1 to 500; default 100") String limit) {
        int size = RequestValues.intInRange("limit", limit, 1, 500, 100);
        Long from = after == null
                ? null
                : RequestValues.position("after", after, "after must be a next_cursor of this list");
        return erasures.list(from, size);
    }

    /** The credential's name (admin-key, api-key:<id>, dev-mode, an OIDC subject); never a key. */
    private String requestedBy() {
        return identity.isAnonymous() ? null : identity.getPrincipal().getName();
    }
}
