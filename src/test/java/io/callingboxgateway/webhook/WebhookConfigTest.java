package io.callingboxgateway.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.callingboxgateway.testing.ValidatedConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The webhook settings as SmallRye Config loads and validates them when the application starts: the same
 * mapping, the same Bean Validation of it, so a value refused here stops the start with this message.
 */
class WebhookConfigTest {

    @Test
    void theDefaultsAreUsable() {
        WebhookConfig config = load(Map.of());

        assertEquals(Duration.ofDays(7), config.dedupRetention());
        assertEquals(Duration.ofSeconds(300), config.tolerance());
        assertEquals(256 * 1024, config.maxBodySize().asLongValue());
        assertEquals(List.of(), config.signingSecrets());
    }

    @Test
    void secretsAreTakenWholeButWithoutSurroundingSpaces() {
        WebhookConfig config = load(Map.of("callingbox.webhook.secrets", " whsec_a , ,whsec_b"));

        assertEquals(List.of("whsec_a", "whsec_b"), config.signingSecrets());
    }

    @Test
    void aRetentionOfExactly72HoursIsEnough() {
        assertEquals(
                Duration.ofHours(72),
                load(Map.of("callingbox.webhook.dedup-retention", "72h")).dedupRetention());
    }

    @Test
    void aRetentionShorterThan72HoursStopsTheStartWithTheReason() {
        assertEquals(
                List.of("callingbox.webhook.dedup-retention must be at least 72h: CallingBox redelivers a webhook"
                        + " for about 42 hours, and a shorter retention would apply a redelivery twice"),
                refusals(Map.of("callingbox.webhook.dedup-retention", "71h")));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "tolerance                | -1s | must not be negative",
                "max-body-size            | 0   | must be between 1 byte and 2G",
                "max-body-size            | 2G  | must be between 1 byte and 2G",
                "body-timeout             | 0s  | must be positive",
                "dedup-cleanup-batch-size | 0   | must be greater than or equal to 1",
            })
    void aValueOutOfRangeStopsTheStartNamingTheSetting(String setting, String value, String reason) {
        String property = "callingbox.webhook." + setting;

        assertEquals(List.of(property + " " + reason), refusals(Map.of(property, value)));
    }

    @Test
    void everyRefusalIsListedAtOnce() {
        assertEquals(
                2,
                refusals(Map.of("callingbox.webhook.tolerance", "-1s", "callingbox.webhook.body-timeout", "0s"))
                        .size());
    }

    private static WebhookConfig load(Map<String, String> settings) {
        return ValidatedConfig.load(WebhookConfig.class, settings);
    }

    private static List<String> refusals(Map<String, String> settings) {
        return ValidatedConfig.refusals(WebhookConfig.class, settings);
    }
}
