package io.callingboxgateway.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callingboxgateway.testing.CallBuilder;
import io.callingboxgateway.testing.TestInstants;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The mask a reader without pii:read sees, field by field. */
class RedactionTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void anE164NumberKeepsItsPlusFirstDigitAndLastFourWhateverItsLength() {
        assertEquals("+1•••••••0001", Redaction.number("+15550100001"));
        assertEquals("+4•••••••0958", Redaction.number("+442079460958"));
        assertEquals("+8•••••••4567", Redaction.number("+861391234567"));
    }

    @Test
    void anythingElseShowsAtMostItsLastFour() {
        assertEquals("•••••••", Redaction.number("55512"), "a short code is not shown");
        assertEquals("•••••••", Redaction.number("+1234567"), "too short for E.164 as the gateway reads it");
        assertEquals("•••••••0123", Redaction.number("tel:+14155550123"));
        assertNull(Redaction.number(null));
    }

    @Test
    void aMaskIsMaskedToItself() {
        // A call stored redacted holds masks; a reader without pii:read must see the same mask
        for (String number : List.of("+15550100001", "+442079460958", "tel:+14155550123", "55512")) {
            String mask = Redaction.number(number);
            assertEquals(mask, Redaction.number(mask), number);
        }
        assertEquals("•••••••", Redaction.number("•••••••+15550100001").substring(0, 7));
        assertFalse(Redaction.number("•••••••+15550100001").contains("5550100"), "a lookalike is still masked");
    }

    @Test
    void aCallLosesItsContentAndShowsMaskedNumbersWithTheFlag() throws Exception {
        JsonNode call = JSON.readTree("""
                {"id": "c1", "status": "completed", "to_number": "+15550100001", "from_number": null,
                 "prompt": "Tell Ada her results are in", "instructions": "Be kind", "context": {"patient": "Ada"},
                 "result": {"booked": true}, "metadata": {"ticket": "T-1"}, "persona": "Front desk",
                 "duration_seconds": 42}
                """);
        JsonNode masked = Redaction.call(call);
        assertEquals("+1•••••••0001", masked.get("to_number").asText());
        assertTrue(masked.get("from_number").isNull());
        for (String content : List.of("prompt", "instructions", "context", "result", "metadata")) {
            assertTrue(masked.get(content).isNull(), content);
        }
        assertTrue(masked.get("redacted").asBoolean());
        assertEquals("completed", masked.get("status").asText());
        assertEquals(42, masked.get("duration_seconds").asInt());
        assertFalse(call.has("redacted"), "the call given is not changed");
        assertEquals("+15550100001", call.get("to_number").asText());
    }

    @Test
    void changesMaskBothValuesOfEveryPersonalField() throws Exception {
        JsonNode changes = JSON.readTree("""
                {"to_number": {"before": "+15550100001", "after": "+15550100009"},
                 "result": {"before": null, "after": {"booked": true}},
                 "status": {"before": "in_progress", "after": "completed"}}
                """);
        JsonNode masked = Redaction.changes(changes);
        assertEquals("+1•••••••0001", masked.at("/to_number/before").asText());
        assertEquals("+1•••••••0009", masked.at("/to_number/after").asText());
        assertTrue(masked.at("/result/after").isNull());
        assertEquals("completed", masked.at("/status/after").asText());
    }

    @Test
    void aCallKeptRedactedKeepsEverythingButItsPersonalData() throws Exception {
        CallSnapshot whole = CallBuilder.queued(UUID.randomUUID(), TestInstants.T0)
                .set(CallField.METADATA, JSON.readTree("{\"ticket\": \"T-1\"}"))
                .raw(JSON.readTree("{\"caller_name\": \"Ada\"}"))
                .build();
        CallSnapshot kept = Redaction.snapshot(whole);
        for (CallField field : CallField.values()) {
            Object expected = switch (field.personal()) {
                case NO -> field.of(whole);
                case NUMBER -> Redaction.number((String) field.of(whole));
                case CONTENT -> null;
            };
            assertEquals(expected, field.of(kept), field.wireName());
        }
        assertEquals("+1•••••••0001", kept.toNumber());
        assertNull(kept.raw(), "fields CallingBox adds later may be personal too");
    }
}
