package io.callingboxgateway.security;

import com.fasterxml.jackson.databind.JsonNode;
import io.callingboxgateway.problem.ProblemException;
import io.callingboxgateway.problem.RequestValues;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Keys for the internal API; the admin scope only (see the HTTP permissions in application.properties). */
@Path("/api-keys")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "API keys", description = "Credentials for the internal API (admin scope)")
public class ApiKeyResource {

    private final ApiKeyService keys;

    ApiKeyResource(ApiKeyService keys) {
        this.keys = keys;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Issue a key with scopes; the response carries the key, shown only this once")
    public Response create(JsonNode body, @Context UriInfo uri) {
        CreatedApiKey created = keys.create(ApiKeyRequest.parse(body));
        return Response.created(uri.getAbsolutePathBuilder()
                        .path(created.id().toString())
                        .build())
                .entity(created)
                .build();
    }

    @GET
    @Operation(summary = "All keys with their scopes and last use, oldest first; never the keys themselves")
    public ApiKeyList list() {
        return keys.list();
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One key with its scopes and last use")
    public ApiKeyView get(@PathParam("id") String id) {
        return keys.find(RequestValues.uuid("id", id)).orElseThrow(() -> notFound(id));
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Revoke a key: it fails at once, on every replica")
    public Response revoke(@PathParam("id") String id) {
        if (!keys.revoke(RequestValues.uuid("id", id))) {
            throw notFound(id);
        }
        return Response.noContent().build();
    }

    private static ProblemException notFound(String id) {
        return ProblemException.notFound("no API key with id " + id);
    }
}
