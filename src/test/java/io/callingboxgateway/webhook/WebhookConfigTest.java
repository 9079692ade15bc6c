package io.callingboxgateway.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.runtime.configuration.MemorySize;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WebhookConfigTest {

    @Test
    void defaultsAreUsable() {
        assertEquals(
                List.of(), settings(Duration.ofDays(7), " whsec_a , ,whsec_b").problems());
    }

    @Test
    void retentionShorterThan72HoursIsRefusedWithTheReason() {
        List<String> problems = settings(Duration.ofHours(71), "whsec_a").problems();

        assertEquals(1, problems.size());
        assertTrue(problems.get(0).contains("dedup-retention"), problems.get(0));
        assertTrue(problems.get(0).contains("at least 72h"), problems.get(0));
    }

    @Test
    void secretsAreTakenWholeButWithoutSurroundingSpaces() {
        assertEquals(
                List.of("whsec_a", "whsec_b"),
                settings(Duration.ofDays(7), " whsec_a , ,whsec_b").signingSecrets());
    }

    @Test
    void aBodyTimeoutOfZeroIsRefused() {
        List<String> problems =
                settings(Duration.ofDays(7), "whsec_a", Duration.ZERO).problems();

        assertEquals(List.of("callingbox.webhook.body-timeout must be positive"), problems);
    }

    private static WebhookConfig settings(Duration retention, String secrets) {
        return settings(retention, secrets, Duration.ofSeconds(10));
    }

    private static WebhookConfig settings(Duration retention, String secrets, Duration bodyTimeout) {
        return new WebhookConfig() {
            @Override
            public Optional<List<String>> secrets() {
                return Optional.of(List.of(secrets.split(",")));
            }

            @Override
            public Duration tolerance() {
                return Duration.ofSeconds(300);
            }

            @Override
            public MemorySize maxBodySize() {
                return new MemorySize(BigInteger.valueOf(256 * 1024));
            }

            @Override
            public Duration bodyTimeout() {
                return bodyTimeout;
            }

            @Override
            public Duration dedupRetention() {
                return retention;
            }

            @Override
            public Duration dedupCleanupEvery() {
                return Duration.ofHours(1);
            }

            @Override
            public int dedupCleanupBatchSize() {
                return 1000;
            }
        };
    }
}
