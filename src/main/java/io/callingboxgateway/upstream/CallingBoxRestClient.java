package io.callingboxgateway.upstream;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.rest.client.reactive.ClientExceptionMapper;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.UUID;
import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * The CallingBox HTTP API, as much of it as the gateway reads. Only {@link CallingBoxClient} uses it:
 * that bean adds the API key, the timeouts, the retries and the circuit breaker.
 */
@RegisterRestClient(configKey = "callingbox")
@RegisterProvider(AbortableListFilter.class)
@Produces(MediaType.APPLICATION_JSON)
interface CallingBoxRestClient {

    /** Every call of the organisation, newest first, as one unpaged array: read it as a stream. */
    @GET
    @Path("/v1/calls")
    InputStream listCalls(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization);

    @GET
    @Path("/v1/calls/{id}")
    JsonNode getCall(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @PathParam("id") UUID id);

    @GET
    @Path("/v1/calls/{id}/transcript")
    JsonNode getTranscript(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @PathParam("id") UUID id);

    @GET
    @Path("/v1/webhook_deliveries")
    WebhookDelivery.Page listDeliveries(
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @QueryParam("endpoint_id") String endpointId,
            @QueryParam("call_id") UUID callId,
            @QueryParam("status") String status,
            @QueryParam("limit") Integer limit);

    @POST
    @Path("/v1/webhook_deliveries/{id}/redeliver")
    Response redeliver(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @PathParam("id") UUID id);

    /** Every answer of 400 or more becomes an {@link UpstreamException} that says how to treat it. */
    @ClientExceptionMapper
    static RuntimeException toException(Response response) {
        int status = response.getStatus();
        String message = "CallingBox answered " + status + errorText(response);
        if (status == 429) {
            return new UpstreamException(
                    UpstreamException.Kind.RATE_LIMITED,
                    status,
                    message,
                    retryAfter(response.getHeaderString("Retry-After")),
                    null);
        }
        UpstreamException.Kind kind =
                status >= 500 ? UpstreamException.Kind.SERVER_ERROR : UpstreamException.Kind.CLIENT_ERROR;
        return new UpstreamException(kind, status, message, null, null);
    }

    /** CallingBox errors are {@code {"error": "..."}}; anything else is left out of the message. */
    private static String errorText(Response response) {
        try {
            if (response.hasEntity()) {
                ErrorBody body = response.readEntity(ErrorBody.class);
                if (body != null && body.error() != null) {
                    String error = body.error();
                    return ": " + (error.length() > 200 ? error.substring(0, 200) + "…" : error);
                }
            }
        } catch (RuntimeException e) {
            // not the documented error shape: the status says enough
        }
        return "";
    }

    /** Retry-After is either whole seconds or an HTTP date; null when absent or unreadable. */
    static Duration retryAfter(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String value = header.strip();
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value)));
        } catch (NumberFormatException e) {
            try {
                Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant();
                Duration wait = Duration.between(Instant.now(), at);
                return wait.isNegative() ? Duration.ZERO : wait;
            } catch (RuntimeException unreadable) {
                return null;
            }
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record ErrorBody(String error) {}
}
