package io.callingboxgateway.calls;

import static io.callingboxgateway.testing.TestCall.ALICE;
import static io.callingboxgateway.testing.TestCall.BOB;
import static io.callingboxgateway.testing.TestCall.CAROL;
import static io.callingboxgateway.testing.TestCall.SALES_AGENT;
import static io.callingboxgateway.testing.TestCall.SALES_LINE;
import static io.callingboxgateway.testing.TestCall.SUPPORT_AGENT;
import static io.callingboxgateway.testing.TestCall.SUPPORT_LINE;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.callingboxgateway.testing.CallStore;
import io.callingboxgateway.testing.PostgresResource;
import io.callingboxgateway.testing.TestCall;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each filter against one morning of calls that differ in every filtered field, so every assertion
 * shows what a filter keeps and, by the exact list, what it drops.
 */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class CallFilterTest {

    static final String BOOKED = "1c9a7e52-0b3d-4f8e-a6c1-2d4e6f8a0b1c";
    static final String UNANSWERED = "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a";
    static final String REJECTED = "e4f5a6b7-c8d9-4e0f-9a1b-2c3d4e5f6a7b";
    static final String LIVE_INBOUND = "3a4b5c6d-7e8f-4a9b-8c0d-1e2f3a4b5c6d";
    static final String LEGACY_BUSY = "6e7f8091-a2b3-4c4d-9e5f-60718293a4b5";
    static final String EXTRACTION_FAILED = "b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e";
    static final String RINGING = "0f1e2d3c-4b5a-4968-b7a6-958473625140";

    @Inject
    CallStore store;

    @BeforeAll
    static void logFailures() {
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    @BeforeEach
    void oneMorningOfCalls() {
        store.clear();
        store.insert(
                TestCall.completed(BOOKED, "2026-04-16T09:00:00Z")
                        // extraction was re-run later in the day
                        .updatedAt("2026-04-16T11:00:00Z"),
                TestCall.noAnswer(UNANSWERED, "2026-04-16T09:10:00Z").to(BOB),
                TestCall.failed(REJECTED, "2026-04-16T09:20:00Z")
                        .to(CAROL)
                        .from(SUPPORT_LINE)
                        .agent(SUPPORT_AGENT),
                TestCall.inProgress(LIVE_INBOUND, "2026-04-16T09:30:00Z")
                        .inbound(ALICE, SUPPORT_LINE)
                        .agent(SUPPORT_AGENT),
                TestCall.busy(LEGACY_BUSY, "2026-04-16T09:40:00Z")
                        .from(SUPPORT_LINE)
                        .agent(null)
                        .webhookStatus("none")
                        .updatedAt("2026-04-16T09:45:00Z"),
                TestCall.completed(EXTRACTION_FAILED, "2026-04-16T09:50:00Z")
                        .inbound(BOB, SALES_LINE)
                        .resultStatus("failed"),
                TestCall.ringing(RINGING, "2026-04-16T10:00:00Z").to(BOB));
    }

    @Test
    void withoutFiltersEveryCallIsListedNewestFirst() {
        assertListed("", RINGING, EXTRACTION_FAILED, LEGACY_BUSY, LIVE_INBOUND, REJECTED, UNANSWERED, BOOKED);
    }

    @Test
    void status() {
        assertListed("status=completed", EXTRACTION_FAILED, BOOKED);
        assertListed("status=ringing", RINGING);
        assertListed("status=canceled");
    }

    @Test
    void statusRepeatedMatchesAnyOfThem() {
        assertListed(
                "status=completed&status=no_answer&status=busy", EXTRACTION_FAILED, LEGACY_BUSY, UNANSWERED, BOOKED);
        assertListed("status=busy&status=busy", LEGACY_BUSY);
        assertListed("status=failed&status=canceled", REJECTED);
    }

    @Test
    void direction() {
        assertListed("direction=inbound", EXTRACTION_FAILED, LIVE_INBOUND);
        assertListed("direction=outbound", RINGING, LEGACY_BUSY, REJECTED, UNANSWERED, BOOKED);
    }

    @Test
    void resultStatus() {
        assertListed("result_status=failed", EXTRACTION_FAILED);
        assertListed("result_status=completed", BOOKED);
        assertListed("result_status=pending", RINGING, LEGACY_BUSY, LIVE_INBOUND, REJECTED, UNANSWERED);
    }

    @Test
    void webhookStatus() {
        assertListed("webhook_status=none", LEGACY_BUSY);
        assertListed("webhook_status=failed", REJECTED);
        assertListed("webhook_status=pending", RINGING, LIVE_INBOUND);
        assertListed("webhook_status=delivered", EXTRACTION_FAILED, UNANSWERED, BOOKED);
    }

    @Test
    void agentId() {
        assertListed("agent_id=" + SUPPORT_AGENT, LIVE_INBOUND, REJECTED);
        // the legacy call without an agent matches neither agent
        assertListed("agent_id=" + SALES_AGENT, RINGING, EXTRACTION_FAILED, UNANSWERED, BOOKED);
        assertListed(
                "agent_id=" + SALES_AGENT.toString().toUpperCase(Locale.ROOT),
                RINGING,
                EXTRACTION_FAILED,
                UNANSWERED,
                BOOKED);
        assertListed("agent_id=00000000-0000-4000-8000-000000000000");
    }

    @Test
    void toNumberWithThePlusEncoded() {
        // ALICE as the caller of LIVE_INBOUND does not match to_number
        assertListed("to_number=%2B14155550123", LEGACY_BUSY, BOOKED);
        assertListed("to_number=%2B16505550199", LIVE_INBOUND);
    }

    @Test
    void toNumberWithAnUnencodedPlusThatArrivedAsASpace() {
        assertListed("to_number=+14155550123", LEGACY_BUSY, BOOKED);
        assertListed("to_number=%2014155550123", LEGACY_BUSY, BOOKED);
    }

    @Test
    void fromNumber() {
        assertListed("from_number=%2B14155550123", LIVE_INBOUND);
        assertListed("from_number=+16505550199", LEGACY_BUSY, REJECTED);
        assertListed("from_number=%2B442079460958", EXTRACTION_FAILED);
    }

    @Test
    void createdAfterIsExclusive() {
        assertListed("created_after=2026-04-16T09:20:00Z", RINGING, EXTRACTION_FAILED, LEGACY_BUSY, LIVE_INBOUND);
        assertListed(
                "created_after=2026-04-16T09:19:59.999999Z",
                RINGING,
                EXTRACTION_FAILED,
                LEGACY_BUSY,
                LIVE_INBOUND,
                REJECTED);
        assertListed("created_after=2026-04-16T10:00:00Z");
    }

    @Test
    void createdBeforeIsExclusive() {
        assertListed("created_before=2026-04-16T09:20:00Z", UNANSWERED, BOOKED);
        assertListed("created_before=2026-04-16T09:20:00.000001Z", REJECTED, UNANSWERED, BOOKED);
        assertListed("created_before=2026-04-16T09:00:00Z");
    }

    @Test
    void createdBetweenBothBounds() {
        assertListed(
                "created_after=2026-04-16T09:00:00Z&created_before=2026-04-16T09:40:00Z",
                LIVE_INBOUND,
                REJECTED,
                UNANSWERED);
    }

    @Test
    void timestampsInOtherOffsetsMeanTheSameInstant() {
        assertListed(
                "created_after=2026-04-16T11:00:00%2B02:00&created_before=2026-04-16T05:40:00-04:00",
                LIVE_INBOUND, REJECTED, UNANSWERED);
    }

    @Test
    void anOffsetWithAnUnencodedPlusThatArrivedAsASpace() {
        assertListed(
                "created_after=2026-04-16T11:00:00+02:00&created_before=2026-04-16T11:40:00%2002:00",
                LIVE_INBOUND, REJECTED, UNANSWERED);
    }

    @Test
    void updatedSinceIsInclusive() {
        assertListed("updated_since=2026-04-16T09:45:00Z", RINGING, EXTRACTION_FAILED, LEGACY_BUSY, BOOKED);
        assertListed("updated_since=2026-04-16T09:45:00.000001Z", RINGING, EXTRACTION_FAILED, BOOKED);
        assertListed("updated_since=2026-04-16T11:00:00.000001Z");
    }

    @Test
    void filtersCombineWithAnd() {
        String query = "status=completed&status=busy&direction=outbound&to_number=%2B14155550123";
        assertListed(query, LEGACY_BUSY, BOOKED);
        assertListed(query + "&agent_id=" + SALES_AGENT, BOOKED);
        assertListed(query + "&webhook_status=none", LEGACY_BUSY);
        assertListed(query + "&created_after=2026-04-16T09:00:00Z", LEGACY_BUSY);
        assertListed(query + "&from_number=%2B16505550199&result_status=pending", LEGACY_BUSY);
        assertListed(query + "&updated_since=2026-04-16T10:00:00Z", BOOKED);
        assertListed(query + "&agent_id=" + SALES_AGENT + "&result_status=pending");
    }

    /** Sends the query exactly as written, so the test controls every byte of the encoding. */
    private static void assertListed(String query, String... expectedIds) {
        given().urlEncodingEnabled(false)
                .get(query.isEmpty() ? "/calls" : "/calls?" + query)
                .then()
                .statusCode(200)
                .body("data.id", equalTo(Arrays.asList(expectedIds)))
                .body("has_more", equalTo(false));
    }
}
