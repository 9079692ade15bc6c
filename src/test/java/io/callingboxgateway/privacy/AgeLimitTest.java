package io.callingboxgateway.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** GATEWAY_CALLS_RETENTION / GATEWAY_CALLS_REDACT_AFTER: a duration, or off. */
class AgeLimitTest {

    @Test
    void offZeroAndEmptyMeanNoLimit() {
        for (String off : new String[] {"off", "OFF", "disabled", "0", "", " off "}) {
            assertTrue(AgeLimit.parse(off).duration().isEmpty(), off);
        }
        assertEquals("off", AgeLimit.parse("").toString());
    }

    @Test
    void aDurationIsTheLimitAndItsCutoffIsThatLongBeforeNow() {
        AgeLimit limit = AgeLimit.parse("90d");
        assertEquals(Optional.of(Duration.ofDays(90)), limit.duration());
        Instant now = Instant.parse("2026-12-07T00:00:00Z");
        assertEquals(Optional.of(Instant.parse("2026-09-08T00:00:00Z")), limit.cutoff(now));
        assertEquals(Optional.of(Duration.ofHours(720)), AgeLimit.parse("720h").duration());
    }

    @Test
    void anythingElseIsRefusedWithWhatTheSettingAccepts() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AgeLimit.parse("forever"));
        assertTrue(e.getMessage().contains("or off"));
    }
}
