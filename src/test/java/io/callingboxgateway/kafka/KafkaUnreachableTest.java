package io.callingboxgateway.kafka;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import io.callingboxgateway.reconcile.Reconciler;
import io.callingboxgateway.reconcile.Source;
import io.callingboxgateway.testing.CallingBoxWireMock;
import io.callingboxgateway.testing.Management;
import io.callingboxgateway.testing.Metrics;
import io.callingboxgateway.testing.PostgresResource;
import io.callingboxgateway.testing.TestCall;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Kafka configured but no broker answering: the replica stays ready (webhooks must still be accepted),
 * and the outage shows where an operator looks, in the publisher's metrics.
 */
@QuarkusTest
@TestProfile(KafkaUnreachableTest.NoBroker.class)
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
@WithTestResource(value = CallingBoxWireMock.class, scope = TestResourceScope.GLOBAL)
class KafkaUnreachableTest {

    static final String TOPIC = "callingbox.call-events.unreachable";

    public static class NoBroker implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "kafka.bootstrap.servers", "127.0.0.1:" + closedPort(),
                    "kafka.max.block.ms", "500",
                    "kafka.request.timeout.ms", "500",
                    "kafka.delivery.timeout.ms", "1000",
                    "gateway.kafka.topic", TOPIC);
        }
    }

    @Inject
    Reconciler reconciler;

    @Test
    void readinessStaysUpAndTheMetricsTellTheOutage() {
        reconciler.apply(
                TestCall.queued(UUID.randomUUID().toString(), "2026-04-16T10:00:00Z")
                        .snapshot(),
                Source.POLL,
                null);

        await("publish errors are counted")
                .atMost(Duration.ofSeconds(60))
                .until(() -> Metrics.value("gateway_kafka_publish_errors_total{topic=\"" + TOPIC + "\"}") > 0);
        await("the lag shows the unpublished events")
                .atMost(Duration.ofSeconds(60))
                .until(() -> Metrics.value("gateway_kafka_lag_events{topic=\"" + TOPIC + "\"}") > 0);
        Management.health("/ready")
                .then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body(not(containsString("afka")));
    }

    /** A loopback port nothing listens on: bound, then released. */
    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
