package io.callingboxgateway.kafka;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callingboxgateway.events.CloudEvent;
import io.callingboxgateway.events.EventSourceConfig;
import io.callingboxgateway.events.EventView;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * An event as a Kafka record: a CloudEvent 1.0 in binary mode (the Kafka protocol binding). Each
 * context attribute is a {@code ce_} header, the data's media type the {@code content-type} header, and
 * the event itself, exactly as {@code /events} serves it, the value. The key is the call id's text, so
 * every event of a call lands on one partition, in order.
 */
@ApplicationScoped
public class CloudEventRecords {

    static final String CONTENT_TYPE_HEADER = "content-type";
    static final String ATTRIBUTE_PREFIX = "ce_";

    private final ObjectMapper json;
    private final URI source;
    private final boolean personalData;

    CloudEventRecords(ObjectMapper json, EventSourceConfig sourceConfig, KafkaConfig config) {
        this.json = json;
        this.source = sourceConfig.eventSource();
        this.personalData = config.includePersonalData();
    }

    public ProducerRecord<String, byte[]> record(String topic, EventView event) {
        CloudEvent cloudEvent = CloudEvent.of(event.as(personalData), source, json);
        RecordHeaders headers = new RecordHeaders();
        cloudEvent.attributes().forEach((name, value) -> headers.add(ATTRIBUTE_PREFIX + name, utf8(value)));
        headers.add(CONTENT_TYPE_HEADER, utf8(CloudEvent.DATA_CONTENT_TYPE));
        byte[] value;
        try {
            value = json.writeValueAsBytes(cloudEvent.data());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("An event could not be written as JSON", e);
        }
        return new ProducerRecord<>(topic, null, cloudEvent.subject(), value, headers);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
