package io.callingboxgateway.subscriptions.delivery;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callingboxgateway.subscriptions.SubscriptionConfig;
import io.callingboxgateway.testing.ValidatedConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DeliverySettingsTest {

    @ParameterizedTest
    @CsvSource({
        "gateway.subscription.concurrency, 0",
        "gateway.subscription.poll-interval, 0s",
        "gateway.subscription.batch-size, 0",
        "gateway.subscription.max-attempts, 0",
        "gateway.subscription.attempt-timeout, 0s",
        "gateway.subscription.backoff-base, 0s",
        "gateway.subscription.disable-after-dead-letters, 0"
    })
    void aValueOutOfRangeStopsStartupNamingItsKey(String key, String value) {
        RuntimeException refused = assertThrows(
                RuntimeException.class, () -> ValidatedConfig.load(SubscriptionConfig.class, Map.of(key, value)));

        assertTrue(refused.getMessage().contains(key), refused.getMessage());
    }

    @Test
    void aLeaseThatDoesNotOutlastTwoAttemptsStopsDeliveryFromStartingNamingBothKeys() {
        SubscriptionConfig config = ValidatedConfig.load(
                SubscriptionConfig.class,
                Map.of("gateway.subscription.lease", "20s", "gateway.subscription.attempt-timeout", "10s"));

        IllegalStateException refused =
                assertThrows(IllegalStateException.class, () -> DeliveryWorker.requireLeaseOutlastsTwoAttempts(config));

        assertTrue(refused.getMessage().contains("gateway.subscription.lease"), refused.getMessage());
        assertTrue(refused.getMessage().contains("gateway.subscription.attempt-timeout"), refused.getMessage());
    }

    @Test
    void theDefaultsPassEveryRule() {
        SubscriptionConfig config = ValidatedConfig.load(SubscriptionConfig.class, Map.of());

        assertDoesNotThrow(() -> DeliveryWorker.requireLeaseOutlastsTwoAttempts(config));
    }
}
