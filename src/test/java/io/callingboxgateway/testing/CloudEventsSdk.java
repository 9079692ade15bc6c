package io.callingboxgateway.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cloudevents.CloudEvent;
import io.cloudevents.SpecVersion;
import io.cloudevents.jackson.JsonFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Instant;

/**
 * The gateway's CloudEvents judged by the CloudEvents Java SDK, written independently of the gateway:
 * the SDK parses the structured JSON form (and refuses what the specification does not allow), and
 * the mapping the issue spells out is checked against the event in the gateway's own format.
 */
public final class CloudEventsSdk {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFormat STRUCTURED = new JsonFormat();

    private CloudEventsSdk() {}

    /** One CloudEvent in structured JSON form, as the SDK reads it. */
    public static CloudEvent parse(byte[] structured) {
        return STRUCTURED.deserialize(structured);
    }

    public static CloudEvent parse(String structured) {
        return parse(structured.getBytes(UTF_8));
    }

    public static CloudEvent parse(JsonNode structured) {
        return parse(structured.toString());
    }

    /** The CloudEvent's {@code data}, as JSON. */
    public static JsonNode data(CloudEvent event) {
        assertNotNull(event.getData(), "a CloudEvent of ours always carries the event as data");
        try {
            return JSON.readTree(event.getData().toBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Asserts the mapping: {@code id} the event id, {@code type} {@code io.callingbox.} + our type,
     * {@code source} as configured, {@code subject} the call id, {@code time} occurred_at,
     * {@code datacontenttype} application/json, and {@code data} the event in the gateway's format.
     */
    public static void assertMaps(JsonNode gatewayEvent, CloudEvent event, URI source) {
        assertEquals(SpecVersion.V1, event.getSpecVersion());
        assertEquals(gatewayEvent.get("id").asText(), event.getId());
        assertEquals("io.callingbox." + gatewayEvent.get("type").asText(), event.getType());
        assertEquals(source, event.getSource());
        assertEquals(gatewayEvent.get("call_id").asText(), event.getSubject());
        assertNotNull(event.getTime(), "time");
        assertEquals(
                Instant.parse(gatewayEvent.get("occurred_at").asText()),
                event.getTime().toInstant());
        assertEquals("application/json", event.getDataContentType());
        assertEquals(gatewayEvent, data(event));
    }
}
