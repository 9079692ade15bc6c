package io.callingboxgateway.subscriptions.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.callingboxgateway.events.EventFormat;
import io.callingboxgateway.subscriptions.PushSignature;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ClaimSignatureTest {

    private static final String NEW = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String OLD = "whsec_" + "A".repeat(43) + "=";
    private static final Instant EXPIRES = Instant.parse("2026-12-07T10:00:00Z");
    private static final byte[] BODY = "{\"id\":1}".getBytes(StandardCharsets.UTF_8);

    @Test
    void duringTheGracePeriodAPushCarriesTheNewSignatureThenTheOld() {
        long before = EXPIRES.getEpochSecond() - 1;

        String header = claim(OLD, EXPIRES).signature("evt_1", before, BODY);

        assertEquals(
                PushSignature.sign(NEW, "evt_1", before, BODY) + " " + PushSignature.sign(OLD, "evt_1", before, BODY),
                header);
    }

    @Test
    void fromTheEndOfTheGracePeriodOnlyTheNewOne() {
        long at = EXPIRES.getEpochSecond();

        assertEquals(
                PushSignature.sign(NEW, "evt_1", at, BODY), claim(OLD, EXPIRES).signature("evt_1", at, BODY));
        assertEquals(List.of(NEW), claim(null, null).secretsAt(EXPIRES.minusSeconds(60)));
    }

    private static Claim claim(String previous, Instant expires) {
        return new Claim(
                UUID.randomUUID(),
                "test#1",
                0,
                "http://127.0.0.1:9/hook",
                false,
                EventFormat.GATEWAY,
                List.of("*"),
                NEW,
                previous,
                expires,
                0,
                EXPIRES.plusSeconds(3600));
    }
}
