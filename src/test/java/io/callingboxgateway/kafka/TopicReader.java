package io.callingboxgateway.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A consumer of the whole topic from its beginning, as a downstream reader would see it. Not a group
 * member: it reads every partition itself, so a test sees every record, duplicates included.
 */
final class TopicReader implements AutoCloseable {

    /** One record as received: its key, the ce_ headers and content-type, and the value as text. */
    record Received(String key, Map<String, String> headers, String value, int partition) {

        long eventId() {
            return Long.parseLong(headers.get("ce_id"));
        }
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final List<Received> received = new ArrayList<>();

    TopicReader(String bootstrapServers, String topic) {
        consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                        ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000,
                        ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000,
                        ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200),
                new StringDeserializer(),
                new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(info -> new TopicPartition(topic, info.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Polls once and returns everything received so far. */
    List<Received> poll() {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
            Map<String, String> headers = new LinkedHashMap<>();
            for (Header header : record.headers()) {
                headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
            }
            received.add(new Received(
                    record.key(), headers, new String(record.value(), StandardCharsets.UTF_8), record.partition()));
        }
        return List.copyOf(received);
    }

    /** The records of these calls, in the order received. */
    List<Received> of(Collection<UUID> calls) {
        Set<String> keys = calls.stream().map(UUID::toString).collect(Collectors.toSet());
        return poll().stream().filter(r -> keys.contains(r.key())).toList();
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(2));
    }
}
