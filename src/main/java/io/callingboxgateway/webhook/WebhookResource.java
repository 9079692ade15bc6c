package io.callingboxgateway.webhook;

import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path(WebhookBodyReader.PATH)
@Tag(name = "Webhooks", description = "Signed call events from CallingBox")
public class WebhookResource {

    static final String SIGNATURE = "CallingBox-Signature";

    @Inject
    WebhookIntake intake;

    /**
     * No @Consumes or @Produces: a webhook must never be lost to content negotiation. The media type and
     * the signature header were already screened by {@link WebhookBodyReader} before the body was read.
     */
    @POST
    @Operation(summary = "Receive a CallingBox webhook; 2xx only once it is stored")
    @RequestBody(
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = WebhookEnvelope.class)))
    @APIResponse(
            responseCode = "200",
            description = "Stored and applied, or a redelivery of a stored event",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = WebhookAck.class)))
    @APIResponse(responseCode = "400", description = "Signed, but not a CallingBox webhook envelope")
    @APIResponse(responseCode = "401", description = "Signature missing, wrong, or outside the time window")
    @APIResponse(
            responseCode = "408",
            description = "Body not received within callingbox.webhook.body-timeout; the connection is closed")
    @APIResponse(responseCode = "413", description = "Body above callingbox.webhook.max-body-size")
    @APIResponse(responseCode = "415", description = "Not application/json")
    @APIResponse(responseCode = "503", description = "Database unavailable; deliver again after Retry-After")
    public Response receive(
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
            @HeaderParam(SIGNATURE) String signature,
            @Context RoutingContext http) {
        WebhookAck ack = intake.receive(contentType, signature, WebhookBodyReader.body(http));
        return Response.ok(ack, MediaType.APPLICATION_JSON_TYPE).build();
    }
}
