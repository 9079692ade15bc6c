package io.callingboxgateway.calls;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

    static final CallCursor POSITION = new CallCursor(
            Instant.parse("2026-04-16T09:15:02.123456Z"), UUID.fromString("f3e2d1c0-b9a8-4f7e-9d6c-5b4a39281706"));

    @Test
    void aCursorDecodesToExactlyThePositionItWasIssuedFor() {
        CallFilter completed = filter(List.of("completed"), null);

        assertEquals(POSITION, CallCursor.decode(POSITION.encode(completed), completed));
    }

    @Test
    void aCursorIsUrlSafeAsIs() {
        String cursor = POSITION.encode(filter(List.of(), null));

        assertTrue(cursor.matches("[A-Za-z0-9_-]+"), cursor);
    }

    @Test
    void aCursorIssuedForOneFilterSetIsRefusedForAnother() {
        String cursor = POSITION.encode(filter(List.of("completed"), null));

        ProblemException refused =
                assertThrows(ProblemException.class, () -> CallCursor.decode(cursor, filter(List.of(), null)));
        assertEquals("cursor", refused.problem().parameter());
        assertThrows(ProblemException.class, () -> CallCursor.decode(cursor, filter(List.of("completed"), "inbound")));
    }

    @Test
    void theOrderAndRepetitionOfStatusesDoNotMakeAnotherFilterSet() {
        String cursor = POSITION.encode(filter(List.of("busy", "completed"), null));

        assertEquals(POSITION, CallCursor.decode(cursor, filter(List.of("completed", "busy", "completed"), null)));
    }

    @Test
    void everySingleCharacterEditIsRefused() {
        CallFilter noFilters = filter(List.of(), null);
        String cursor = POSITION.encode(noFilters);
        int accepted = 0;
        for (int i = 0; i < cursor.length(); i++) {
            for (char c : BASE64URL.toCharArray()) {
                if (c == cursor.charAt(i)) {
                    continue;
                }
                String edited = cursor.substring(0, i) + c + cursor.substring(i + 1);
                try {
                    CallCursor decoded = CallCursor.decode(edited, noFilters);
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
        String cursor = POSITION.encode(noFilters);

        for (int length = 0; length < cursor.length(); length++) {
            String truncated = cursor.substring(0, length);
            assertThrows(ProblemException.class, () -> CallCursor.decode(truncated, noFilters), truncated);
        }
    }

    private static CallFilter filter(List<String> statuses, String direction) {
        CallListParams params = new CallListParams();
        params.status = statuses;
        params.direction = direction;
        return CallFilter.parse(params);
    }
}
