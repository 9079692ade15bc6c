package io.callingboxgateway.database;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.callingboxgateway.testing.ValidatedConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DatabaseConfigTest {

    @Test
    void theDefaultsAreUsable() {
        assertEquals(
                List.of(), ValidatedConfig.load(DatabaseConfig.class, Map.of()).problems());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0s", "-1s", "25d"})
    void aTimeoutPostgresCannotTakeStopsTheStartNamingTheSetting(String value) {
        assertEquals(
                List.of("gateway.database.idle-in-transaction-timeout must be between 1ms and 24 days"),
                ValidatedConfig.refusals(
                        DatabaseConfig.class, Map.of("gateway.database.idle-in-transaction-timeout", value)));
    }

    @Test
    void aSocketTimeoutNotAboveTheStatementTimeoutIsRefusedWithTheReason() {
        DatabaseConfig config = ValidatedConfig.load(
                DatabaseConfig.class,
                Map.of("gateway.database.statement-timeout", "30s", "gateway.database.socket-timeout", "30s"));

        assertEquals(
                List.of("gateway.database.socket-timeout (PT30S) must be longer than gateway.database.statement-timeout"
                        + " (PT30S), or every slow statement would break its connection instead of being cancelled"),
                config.problems());
    }
}
