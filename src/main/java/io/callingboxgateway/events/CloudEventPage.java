package io.callingboxgateway.events;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A page of the event feed asked for with {@code ?format=cloudevents}: the same paging as
 * {@link EventPage}, each item of {@code data} a CloudEvent 1.0 in structured JSON form.
 */
public record CloudEventPage(
        @Schema(
                description = "CloudEvents 1.0, structured JSON form: specversion, id, type, source, subject,"
                        + " time, datacontenttype, and the event as data")
        List<JsonNode> data,

        String nextCursor,
        boolean hasMore) {}
