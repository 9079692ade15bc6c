package io.callingboxgateway.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MediaType;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes events in the format a consumer chose, the one place every channel (page, stream, push)
 * asks. It is handed the view the reader may see: masking happens before, never here.
 */
@ApplicationScoped
public class EventRendering {

    private final ObjectMapper json;
    private final URI source;

    EventRendering(ObjectMapper json, EventSourceConfig config) {
        this.json = json;
        this.source = config.eventSource();
    }

    /** The event as a JSON tree: the view itself, or a CloudEvent in structured form. */
    public JsonNode tree(EventView event, EventFormat format) {
        return format == EventFormat.CLOUDEVENTS
                ? CloudEvent.of(event, source, json).structured(json)
                : json.valueToTree(event);
    }

    /** The event as a JSON document, for a push body. */
    public byte[] bytes(EventView event, EventFormat format) {
        try {
            return format == EventFormat.CLOUDEVENTS
                    ? json.writeValueAsBytes(tree(event, format))
                    : json.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The event as text, for an SSE {@code data:}. */
    public String text(EventView event, EventFormat format) {
        return new String(bytes(event, format), StandardCharsets.UTF_8);
    }

    /** The media type of one event in this format, as a push's {@code Content-Type}. */
    public static String mediaType(EventFormat format) {
        return format == EventFormat.CLOUDEVENTS ? CloudEvent.STRUCTURED_MEDIA_TYPE : MediaType.APPLICATION_JSON;
    }

    /** A page whose items are CloudEvents; cursors and {@code has_more} as the page had them. */
    public CloudEventPage cloudEvents(EventPage page) {
        List<JsonNode> data = page.data().stream()
                .map(event -> tree(event, EventFormat.CLOUDEVENTS))
                .toList();
        return new CloudEventPage(data, page.nextCursor(), page.hasMore());
    }
}
