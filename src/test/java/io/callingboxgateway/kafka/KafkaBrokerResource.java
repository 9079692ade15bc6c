package io.callingboxgateway.kafka;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * A real Kafka broker for the gateway under test ({@link KafkaBroker}), with producer timeouts short
 * enough that an outage is noticed in seconds: the gateway reaches it through kafka.* as in production.
 */
public class KafkaBrokerResource implements QuarkusTestResourceLifecycleManager {

    public static final String TOPIC = "callingbox.call-events.test";

    private static volatile KafkaBroker broker;

    public static KafkaBroker broker() {
        if (broker == null) {
            throw new IllegalStateException("KafkaBrokerResource has not started");
        }
        return broker;
    }

    @Override
    public Map<String, String> start() {
        broker = KafkaBroker.started();
        broker.createTopic(TOPIC, 3);
        return Map.of(
                "kafka.bootstrap.servers", broker.bootstrapServers(),
                "kafka.request.timeout.ms", "2000",
                "kafka.delivery.timeout.ms", "4000",
                "kafka.max.block.ms", "2000",
                "kafka.reconnect.backoff.max.ms", "200",
                "gateway.kafka.topic", TOPIC,
                "gateway.kafka.lease", "3s");
    }

    @Override
    public void stop() {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }
}
