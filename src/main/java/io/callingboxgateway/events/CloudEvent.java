package io.callingboxgateway.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One reconciled event as a CloudEvent 1.0: {@code id} the event id, {@code type}
 * {@code io.callingbox.} + our type, {@code source} this deployment, {@code subject} the call id,
 * {@code time} when it occurred, and the event itself, exactly as the current format serves it, as
 * {@code data}. Built from the view the reader may see, so masking happens before, never here.
 */
public record CloudEvent(String id, String type, URI source, String subject, String time, JsonNode data) {

    public static final String SPEC_VERSION = "1.0";
    public static final String TYPE_PREFIX = "io.callingbox.";
    public static final String DATA_CONTENT_TYPE = "application/json";
    /** The media type of one CloudEvent in structured mode. */
    public static final String STRUCTURED_MEDIA_TYPE = "application/cloudevents+json";

    public static CloudEvent of(EventView event, URI source, ObjectMapper json) {
        return new CloudEvent(
                Long.toString(event.id()),
                TYPE_PREFIX + event.type(),
                source,
                event.callId().toString(),
                DateTimeFormatter.ISO_INSTANT.format(event.occurredAt()),
                json.valueToTree(event));
    }

    /** Structured mode: the attributes and {@code data} in one JSON object. */
    public ObjectNode structured(ObjectMapper json) {
        ObjectNode node = json.createObjectNode();
        attributes().forEach(node::put);
        node.put("datacontenttype", DATA_CONTENT_TYPE);
        node.set("data", data);
        return node;
    }

    /**
     * The context attributes, for binary mode (each becomes a {@code ce_} header on Kafka, a
     * {@code ce-} header on HTTP); the data then travels as the message body, with its content type.
     */
    public Map<String, String> attributes() {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("specversion", SPEC_VERSION);
        attributes.put("id", id);
        attributes.put("type", type);
        attributes.put("source", source.toString());
        attributes.put("subject", subject);
        attributes.put("time", time);
        return attributes;
    }
}
