package io.callingboxgateway.upstream.poll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callingboxgateway.testing.ValidatedConfig;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PollerConfigTest {

    @Test
    void theGroupsReadTheFlatKeysTheReadmeLists() {
        PollerConfig config = ValidatedConfig.load(
                PollerConfig.class,
                Map.of(
                        "callingbox.poll-interval", "45s",
                        "callingbox.backfill-since", "7d",
                        "callingbox.discovery-overlap", "3m",
                        "callingbox.discovery-batch", "250",
                        "callingbox.refresh-cap-factor", "4",
                        "callingbox.refresh-batch", "7",
                        "callingbox.redeliver-batch", "0",
                        "callingbox.heal-endpoint-id", "we_123",
                        "callingbox.lease-duration", "90s",
                        "callingbox.stuck-after", "2h"));

        assertEquals(Optional.of(Duration.ofSeconds(45)), config.interval().every());
        assertEquals(Duration.ofDays(7), config.discovery().backfillSince());
        assertEquals(Duration.ofMinutes(3), config.discovery().overlap());
        assertEquals(250, config.discovery().batch());
        assertEquals(4, config.refresh().capFactor());
        assertEquals(7, config.refresh().batch());
        assertEquals(0, config.heal().redeliverBatch());
        assertEquals(Optional.of("we_123"), config.heal().endpointId());
        assertEquals(Duration.ofSeconds(90), config.leaseDuration());
        assertEquals(Duration.ofHours(2), config.stuckAfter());
    }

    @Test
    void unsetKeysTakeTheDefaultsTheReadmeLists() {
        PollerConfig config = ValidatedConfig.load(PollerConfig.class, Map.of());

        assertEquals(Optional.of(Duration.ofSeconds(30)), config.interval().every());
        assertEquals(Duration.ofDays(30), config.discovery().backfillSince());
        assertEquals(1000, config.discovery().batch());
        assertEquals(20, config.heal().redeliverBatch());
        assertEquals(Duration.ofMinutes(2), config.leaseDuration());
    }

    @ParameterizedTest
    @CsvSource({"off", "OFF", "disabled", "0", "0s"})
    void zeroOrOffTurnsPollingOffWhileTheRefreshBackoffKeepsItsUnit(String value) {
        PollerConfig config = ValidatedConfig.load(PollerConfig.class, Map.of("callingbox.poll-interval", value));

        assertEquals(Optional.empty(), config.interval().every());
        assertEquals(PollInterval.DEFAULT, config.interval().orDefault());
        assertEquals(value, config.interval().toString(), "logged as configured");
    }

    @ParameterizedTest
    @CsvSource({
        "callingbox.poll-interval, soon",
        "callingbox.discovery-batch, 0",
        "callingbox.refresh-batch, 0",
        "callingbox.refresh-cap-factor, 0",
        "callingbox.redeliver-batch, -1",
        "callingbox.lease-duration, 0s",
        "callingbox.backfill-since, -1h",
        "callingbox.discovery-overlap, -1m"
    })
    void aValueOutOfRangeStopsStartupNamingItsKey(String key, String value) {
        RuntimeException refused = assertThrows(
                RuntimeException.class, () -> ValidatedConfig.load(PollerConfig.class, Map.of(key, value)));

        assertTrue(refused.getMessage().contains(key), refused.getMessage());
    }

    @Test
    void anUnreadablePollIntervalIsRefusedSayingWhatItAccepts() {
        RuntimeException refused = assertThrows(
                RuntimeException.class,
                () -> ValidatedConfig.load(PollerConfig.class, Map.of("callingbox.poll-interval", "every minute")));

        assertTrue(refused.getMessage().contains("callingbox.poll-interval"), refused.getMessage());
        assertTrue(refused.getMessage().contains("0/off to disable polling"), refused.getMessage());
    }
}
