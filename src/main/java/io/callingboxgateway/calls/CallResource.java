package io.callingboxgateway.calls;

import io.callingboxgateway.problem.ProblemException;
import io.callingboxgateway.problem.RequestValues;
import io.callingboxgateway.reconcile.Call;
import io.callingboxgateway.security.Scope;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.inject.Inject;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/calls")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Calls", description = "The reconciled CallingBox calls")
public class CallResource {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 200;

    @Inject
    CallService calls;

    @Inject
    CursorKey cursorKey;

    @Inject
    SecurityIdentity reader;

    @GET
    @Operation(summary = "List calls, newest first, filtered and cursor-paginated")
    public CallPage list(@BeanParam CallListParams params) {
        CallFilter filter = CallFilter.parse(params);
        CallCursor after = params.cursor == null ? null : CallCursor.decode(params.cursor, filter, cursorKey);
        CallPage page =
                calls.page(filter, after, RequestValues.intInRange("limit", params.limit, 1, MAX_LIMIT, DEFAULT_LIMIT));
        return Scope.PII_READ.heldBy(reader) ? page : page.masked();
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One call; supports If-None-Match")
    public Response get(@PathParam("id") String id, Request request) {
        Call call = calls.find(RequestValues.uuid("id", id))
                .orElseThrow(() -> ProblemException.notFound("no call with id " + id));
        // Weak: the tag names the call's version, not the bytes, which a gateway upgrade or a compressing
        // proxy may change. A proxy would weaken a strong tag anyway, and If-None-Match here matches exactly.
        // A masked view is another representation: its tag differs, so a client that changes credential
        // never keeps a masked copy as current (or the reverse) on a 304.
        boolean whole = Scope.PII_READ.heldBy(reader);
        EntityTag etag = new EntityTag(call.id() + "." + call.version() + (whole ? "" : ".masked"), true);
        Response.ResponseBuilder notModified = request.evaluatePreconditions(etag);
        return (notModified != null
                        ? notModified
                        : Response.ok(whole ? call.view() : call.view().masked()))
                .tag(etag)
                .build();
    }
}
