package io.callingboxgateway.calls;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callingboxgateway.problem.ProblemException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The cursor on its own: exact round trip, and no edit of a cursor goes unnoticed. */
class CallCursorTest {

    static final String BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    static final CursorKey KEY = new CursorKey("callingbox-gateway/call-cursor-test-key".getBytes(UTF_8));

    static final CallCursor POSITION = new CallCursor(
            Instant.parse("2026-04-16T09:15:02.123456Z"), UUID.fromString("f3e2d1c0-b9a8-4f7e-9d6c-5b4a39281706"));

    @Test
    void aCursorDecodesToExactlyThePositionItWasIssuedFor() {
        CallFilter completed = filter(List.of("completed"), null);

        assertEquals(POSITION, CallCursor.decode(POSITION.encode(completed, KEY), completed, KEY));
    }

    @Test
    void aCursorIsUrlSafeAsIs() {
        String cursor = POSITION.encode(filter(List.of(), null), KEY);

        assertTrue(cursor.matches("[A-Za-z0-9_-]+"), cursor);
    }

    @Test
    void aCursorIssuedForOneFilterSetIsRefusedForAnother() {
        String cursor = POSITION.encode(filter(List.of("completed"), null), KEY);

        ProblemException refused =
                assertThrows(ProblemException.class, () -> CallCursor.decode(cursor, filter(List.of(), null), KEY));
        assertEquals("cursor", refused.problem().parameter());
        assertThrows(
                ProblemException.class, () -> CallCursor.decode(cursor, filter(List.of("completed"), "inbound"), KEY));
    }

    @Test
    void theOrderAndRepetitionOfStatusesDoNotMakeAnotherFilterSet() {
        String cursor = POSITION.encode(filter(List.of("busy", "completed"), null), KEY);

        assertEquals(POSITION, CallCursor.decode(cursor, filter(List.of("completed", "busy", "completed"), null), KEY));
    }

    @Test
    void everySingleCharacterEditIsRefused() {
        CallFilter noFilters = filter(List.of(), null);
        String cursor = POSITION.encode(noFilters, KEY);
        int accepted = 0;
        for (int i = 0; i < cursor.length(); i++) {
            for (char c : BASE64URL.toCharArray()) {
                if (c == cursor.charAt(i)) {
                    continue;
                }
                String edited = cursor.substring(0, i) + c + cursor.substring(i + 1);
                try {
                    CallCursor decoded = CallCursor.decode(edited, noFilters, KEY);
                    // Only the unused low bits of the last character may change without changing a byte.
                    assertEquals(cursor.length() - 1, i, "edit at " + i + " to " + c + " was accepted");
                    assertEquals(POSITION, decoded);
                    accepted++;
                } catch (ProblemException expected) {
                    assertEquals("cursor", expected.problem().parameter());
                }
            }
        }
        assertTrue(accepted <= 3, "at most the 2 padding bits of the last character are free: " + accepted);
    }

    @Test
    void everyTruncationIsRefused() {
        CallFilter noFilters = filter(List.of(), null);
        String cursor = POSITION.encode(noFilters, KEY);

        for (int length = 0; length < cursor.length(); length++) {
            String truncated = cursor.substring(0, length);
            assertThrows(ProblemException.class, () -> CallCursor.decode(truncated, noFilters, KEY), truncated);
        }
    }

    @Test
    void aCursorIssuedUnderOneKeyIsRefusedUnderAnother() {
        CallFilter noFilters = filter(List.of(), null);
        String cursor = POSITION.encode(noFilters, KEY);
        CursorKey another = new CursorKey("callingbox-gateway/another-replicas-cursor-key".getBytes(UTF_8));

        ProblemException refused =
                assertThrows(ProblemException.class, () -> CallCursor.decode(cursor, noFilters, another));
        assertEquals("cursor", refused.problem().parameter());
        assertEquals(400, refused.problem().status());
    }

    @Test
    void aConfiguredKeyShorterThan32CharactersIsRefusedWithoutBeingEchoed() {
        String tooShort = "k".repeat(31);

        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> CursorKey.configured(tooShort));
        assertTrue(refused.getMessage().contains("GATEWAY_CURSOR_KEY"), refused.getMessage());
        assertTrue(refused.getMessage().contains("at least 32 characters"), refused.getMessage());
        assertFalse(refused.getMessage().contains(tooShort), refused.getMessage());
        assertArrayEquals("k".repeat(32).getBytes(UTF_8), CursorKey.configured("k".repeat(32)));
    }

    private static CallFilter filter(List<String> statuses, String direction) {
        CallListParams params = new CallListParams();
        params.status = statuses;
        params.direction = direction;
        return CallFilter.parse(params);
    }
}
