package io.callingboxgateway.calls;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import io.callingboxgateway.testing.CallStore;
import io.callingboxgateway.testing.PostgresResource;
import io.callingboxgateway.testing.TestCall;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.hamcrest.Matcher;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every way a caller can get a read wrong answers 400 problem JSON that says precisely what. */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class CallBadInputTest {

    static final String INVALID_PARAMETER = "urn:callingbox-gateway:problem:invalid-parameter";

    @Inject
    CallStore store;

    @Inject
    CursorKey cursorKey;

    @BeforeAll
    static void logFailures() {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    @BeforeEach
    void aFewCalls() {
        store.clear();
        List<TestCall> calls = new ArrayList<>();
        Random random = new Random(3);
        for (int i = 0; i < 6; i++) {
            calls.add(TestCall.completed(CallPagingTest.randomId(random).toString(), "2026-04-16T09:0" + i + ":00Z"));
        }
        store.insert(calls);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "status=answered | status | status 'answered' is not a CallingBox value; valid values: queued, initiated,"
                        + " ringing, in_progress, completed, no_answer, busy, canceled, failed",
                "status=completed&status=COMPLETED | status | status 'COMPLETED' is not a CallingBox value; valid values:"
                        + " queued, initiated, ringing, in_progress, completed, no_answer, busy, canceled, failed",
                "direction=outgoing | direction | direction 'outgoing' is not a CallingBox value; valid values: outbound,"
                        + " inbound",
                "result_status=done | result_status | result_status 'done' is not a CallingBox value; valid values:"
                        + " pending, completed, failed",
                "webhook_status=sent | webhook_status | webhook_status 'sent' is not a CallingBox value; valid values:"
                        + " none, pending, delivered, failed",
            })
    void aValueCallingBoxDoesNotDocumentIsRefusedWithTheValidValues(String query, String parameter, String detail) {
        assertInvalid(query, parameter, equalTo(detail));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "agent_id=sales-agent",
                "agent_id=3f1e9c2a7b4d4e8a9c615d2f8a0b1c3e", // no dashes
                "agent_id=3f1e9c2a-7b4d-4e8a-9c61-5d2f8a0b1c3", // one digit short
                "agent_id=1-2-3-4-5", // java.util.UUID would take this one
                "agent_id=3f1e9c2a-7b4d-4e8a-9c61-5d2f8a0b1c3e0",
                "agent_id=%7B3f1e9c2a-7b4d-4e8a-9c61-5d2f8a0b1c3e%7D"
            })
    void aMalformedAgentIdIsRefused(String query) {
        assertInvalid(query, "agent_id", containsString("is not a UUID (expected 8-4-4-4-12 hex digits)"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "not-a-uuid",
                "3f1e9c2a7b4d4e8a9c615d2f8a0b1c3e",
                "1-2-3-4-5",
                "3f1e9c2a-7b4d-4e8a-9c61-5d2f8a0b1c3g",
                "%20"
            })
    void aMalformedCallIdIsRefused(String id) {
        given().urlEncodingEnabled(false)
                .get("/calls/" + id)
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo(INVALID_PARAMETER))
                .body("parameter", equalTo("id"))
                .body("detail", containsString("is not a UUID"))
                .body(not(containsString("Exception")))
                .body(not(containsString("at io.")));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "to_number=4155550123 | to_number", // no '+'
                "to_number=%2B04155550123 | to_number", // country codes never start with 0
                "to_number=%2B1415555012345678 | to_number", // 16 digits, E.164 allows 15
                "to_number=%2B1%20415%20555%200123 | to_number", // formatted for humans
                "to_number=tel:%2B14155550123 | to_number",
                "from_number=%2B1-415-555-0123 | from_number"
            })
    void aNumberThatIsNotE164IsRefused(String query, String parameter) {
        assertInvalid(
                query,
                parameter,
                equalTo(parameter + " must be an E.164 number such as +15551234567 (encode '+' as %2B in a URL)"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "created_after=2026-04-16 | created_after | '2026-04-16'",
                "created_after=2026-04-16T09:00:00 | created_after | '2026-04-16T09:00:00'", // no offset
                "created_before=yesterday | created_before | 'yesterday'",
                "created_before=1776330000 | created_before | '1776330000'", // epoch seconds
                "updated_since=2026-13-01T00:00:00Z | updated_since | '2026-13-01T00:00:00Z'",
                "updated_since=2026-04-16%2009:00:00Z | updated_since | '2026-04-16 09:00:00Z'"
            })
    void aMalformedTimestampIsRefused(String query, String parameter, String echoed) {
        assertInvalid(
                query,
                parameter,
                equalTo(parameter + " " + echoed
                        + " is not an ISO 8601 timestamp with an offset, such as 2026-04-16T12:00:00Z"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "created_after=%2B300000-01-01T00:00:00Z | created_after | '+300000-01-01T00:00:00Z'",
                "created_before=-5000-01-01T00:00:00Z | created_before | '-5000-01-01T00:00:00Z'",
                "updated_since=%2B294277-01-01T00:00:00Z | updated_since | '+294277-01-01T00:00:00Z'",
                "updated_since=%2B999999999-12-31T23:59:59Z | updated_since | '+999999999-12-31T23:59:59Z'"
            })
    void aTimestampPostgresCannotHoldIsRefused(String query, String parameter, String echoed) {
        assertInvalid(
                query,
                parameter,
                equalTo(parameter + " " + echoed + " lies outside the dates this API stores (4714 BC to 294276 AD)"));
    }

    @Test
    void aForgedCursorWithAPositionPostgresCannotHoldIsRefused() throws Exception {
        // Whoever holds the cursor key (an operator, a leaked GATEWAY_CURSOR_KEY) can mint a cursor that
        // passes the MAC, here one for about 146,000 BC, which Java holds and PostgreSQL does not.
        ByteBuffer body = ByteBuffer.allocate(33 + 8)
                .put((byte) 1)
                .putLong(Long.MIN_VALUE / 2)
                .putLong(42)
                .putLong(42)
                .put(Arrays.copyOf(
                        MessageDigest.getInstance("SHA-256")
                                .digest(CallFilter.parse(new CallListParams())
                                        .fingerprint()
                                        .getBytes(StandardCharsets.UTF_8)),
                        8));
        body.put(cursorKey.mac(Arrays.copyOf(body.array(), 33), 8));
        String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(body.array());

        assertInvalid(
                "limit=2&cursor=" + forged,
                "cursor",
                equalTo("cursor is not a cursor issued by this API (position out of range)"));
    }

    @Test
    void anEmptyOrInvertedCreatedRangeIsRefused() {
        assertInvalid(
                "created_after=2026-04-16T10:00:00Z&created_before=2026-04-16T09:00:00Z",
                "created_before",
                equalTo("created_before must be later than created_after"));
        assertInvalid(
                "created_after=2026-04-16T10:00:00Z&created_before=2026-04-16T12:00:00%2B02:00",
                "created_before", equalTo("created_before must be later than created_after"));
    }

    @ParameterizedTest(name = "limit={0}")
    @ValueSource(strings = {"0", "201", "-1", "abc", "1.5", "2147483648", "1e2", "%2050"})
    void aLimitOutsideOneToTwoHundredIsRefused(String limit) {
        assertInvalid("limit=" + limit, "limit", equalTo("limit must be a whole number from 1 to 200"));
    }

    @Test
    void aLongOrUnprintableValueIsEchoedOnlyInShort() {
        String longValue = "x".repeat(500);
        assertInvalid(
                "direction=" + longValue,
                "direction",
                allOf(containsString("'" + "x".repeat(61) + "...'"), not(containsString("x".repeat(62)))));
        assertInvalid("direction=out%0D%0Abound%00", "direction", containsString("'out??bound?'"));
    }

    @Test
    void aTamperedCursorIsRefused() {
        String cursor = firstCursor("limit=2");
        // flip one character in the middle, where the position is encoded
        char[] chars = cursor.toCharArray();
        chars[10] = chars[10] == 'A' ? 'B' : 'A';

        assertInvalid(
                "limit=2&cursor=" + new String(chars),
                "cursor",
                equalTo("cursor was modified or truncated; use next_cursor exactly as returned"));
    }

    @Test
    void aCursorWithAnotherVersionIsRefused() {
        String cursor = firstCursor("limit=2");
        String otherVersion = (cursor.charAt(0) == 'A' ? "B" : "A") + cursor.substring(1);

        assertInvalid(
                "limit=2&cursor=" + otherVersion,
                "cursor",
                equalTo("cursor is not a cursor issued by this API (unknown format or version)"));
    }

    @Test
    void aTruncatedCursorIsRefused() {
        String cursor = firstCursor("limit=2");

        assertInvalid(
                "limit=2&cursor=" + cursor.substring(0, cursor.length() - 4),
                "cursor",
                equalTo("cursor was modified or truncated; use next_cursor exactly as returned"));
        assertInvalid(
                "limit=2&cursor=" + cursor.substring(0, 3),
                "cursor",
                equalTo("cursor was modified or truncated; use next_cursor exactly as returned"));
    }

    @ParameterizedTest(name = "cursor={0}")
    @ValueSource(strings = {"garbage!", "not-a-cursor", "%00", "eyJpZCI6IjEyMyJ9"})
    void aCursorThisApiNeverIssuedIsRefused(String cursor) {
        assertInvalid("cursor=" + cursor, "cursor", containsString("cursor is not a cursor issued by this API"));
    }

    @Test
    void aCursorIsRefusedWithAnotherSetOfFilters() {
        String cursor = firstCursor("status=completed&limit=2");

        for (String otherFilters : List.of(
                "status=no_answer",
                "status=completed&status=busy",
                "",
                "status=completed&direction=outbound",
                "status=completed&created_after=2026-04-16T00:00:00Z",
                "status=completed&to_number=%2B14155550123")) {
            assertInvalid(
                    (otherFilters.isEmpty() ? "" : otherFilters + "&") + "limit=2&cursor=" + cursor,
                    "cursor",
                    equalTo("cursor belongs to a different set of filters; send the same filters as the request"
                            + " that returned it"));
        }
    }

    @Test
    void anEmptyValueCountsAsAnAbsentParameter() {
        // Quarkus REST drops empty query values before the resource sees them (as an HTML form would
        // send them), so these are the unfiltered first page with the default limit, not a 400.
        given().urlEncodingEnabled(false)
                .get("/calls?status=&direction=&agent_id=&to_number=&created_after=&limit=&cursor=")
                .then()
                .statusCode(200)
                .body("data.size()", equalTo(6))
                .body("has_more", equalTo(false));
    }

    private static String firstCursor(String query) {
        String cursor = given().urlEncodingEnabled(false)
                .get("/calls?" + query)
                .then()
                .statusCode(200)
                .body("has_more", equalTo(true))
                .extract()
                .path("next_cursor");
        return cursor;
    }

    private static ValidatableResponse assertInvalid(String query, String parameter, Matcher<String> detail) {
        return given().urlEncodingEnabled(false)
                .get("/calls?" + query)
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo(INVALID_PARAMETER))
                .body("title", equalTo("Invalid request parameter"))
                .body("status", equalTo(400))
                .body("parameter", equalTo(parameter))
                .body("detail", detail)
                .body(not(containsString("Exception")))
                .body(not(containsString("at io.")));
    }
}
