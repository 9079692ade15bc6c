package io.callingboxgateway.kafka;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * The Kafka publisher's own settings. Whether it runs at all, and how the producer reaches the broker
 * (bootstrap servers, TLS, SASL, timeouts), is Quarkus's Kafka configuration: {@code kafka.*}
 * properties or {@code KAFKA_*} environment variables ({@link KafkaPublisher#configured}).
 */
@ConfigMapping(prefix = "gateway.kafka")
public interface KafkaConfig {

    /** The topic every reconciled event is published to (GATEWAY_KAFKA_TOPIC). */
    @WithDefault("callingbox.call-events")
    String topic();

    /**
     * Publish events whole, personal data included (GATEWAY_KAFKA_INCLUDE_PERSONAL_DATA). Off by default:
     * whoever reads the topic holds no credential of the gateway, so events are masked as for a reader
     * without {@code pii:read}.
     */
    @WithDefault("false")
    boolean includePersonalData();

    /** At most this many events per send-and-acknowledge round (GATEWAY_KAFKA_BATCH_SIZE). */
    @WithDefault("500")
    int batchSize();

    /**
     * How long the publisher lease lasts unless renewed (GATEWAY_KAFKA_LEASE); it is renewed every
     * third of it. A replica that dies is replaced as publisher within this time.
     */
    @WithDefault("30s")
    Duration lease();

    /**
     * How often the publisher looks for new events when this replica has numbered none, and how often a
     * replica without the lease tries to take it (GATEWAY_KAFKA_IDLE_INTERVAL). Events numbered on
     * this replica are published at once.
     */
    @WithDefault("1s")
    Duration idleInterval();

    /**
     * The longest wait between two tries after a failed publish (GATEWAY_KAFKA_MAX_BACKOFF); the wait
     * starts at the idle interval and doubles.
     */
    @WithDefault("30s")
    Duration maxBackoff();
}
