package io.callingboxgateway.testing;

import static io.callingboxgateway.model.CallField.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callingboxgateway.model.CallSnapshot;
import io.callingboxgateway.reconcile.Call;
import io.callingboxgateway.reconcile.SeededCalls;
import java.time.Instant;
import java.util.UUID;

/**
 * A call as a test seeds it: one realistic CallingBox snapshot per lifecycle state, then a wither for
 * each field a test varies. Timestamps are whole microseconds, the precision PostgreSQL stores, so
 * what a test seeds is exactly what the API answers.
 */
public final class TestCall {

    // Fictional numbers: NANP 555-01xx, Ofcom's drama range, ACMA's fictional mobile range.
    public static final String ALICE = "+14155550123";
    public static final String BOB = "+442079460958";
    public static final String CAROL = "+61491570156";
    public static final String SALES_LINE = "+16505550100";
    public static final String SUPPORT_LINE = "+16505550199";

    public static final UUID SALES_AGENT = UUID.fromString("3f1e9c2a-7b4d-4e8a-9c61-5d2f8a0b1c3e");
    public static final UUID SUPPORT_AGENT = UUID.fromString("b7c41d09-2e6f-4a1b-8d3c-9e0f1a2b3c4d");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final CallBuilder call;
    private Instant firstSeenAt;
    private String firstSeenVia;
    private Instant lastWebhookAt;
    private Instant lastPolledAt;

    private TestCall(String id, String createdAt) {
        call = CallBuilder.blank(UUID.fromString(id));
        call.set(AGENT_ID, SALES_AGENT);
        call.set(TO_NUMBER, ALICE);
        call.set(FROM_NUMBER, SALES_LINE);
        call.set(DIRECTION, "outbound");
        call.set(PERSONA, "Maya, scheduling assistant at Bayview Dental");
        call.set(INSTRUCTIONS, "Confirm tomorrow's appointment and offer to reschedule.");
        call.set(PROMPT, "You are Maya, a scheduling assistant at Bayview Dental.");
        call.set(CONTEXT, json("{\"patientName\":\"Alice Moreno\",\"appointmentAt\":\"2026-04-17T15:30:00Z\"}"));
        call.set(RETURNS, json("{\"confirmed\":\"boolean\",\"new_time\":\"string\"}"));
        call.set(LANGUAGE, "en");
        call.set(WEBHOOK_URL, "https://hooks.bayview-dental.example/callingbox");
        call.set(RESERVATION_STATUS, "reserved");
        call.set(METADATA, json("{\"crmId\":\"APT-20417\",\"campaign\":\"reminders\"}"));
        call.set(CREATED_AT, Instant.parse(createdAt));
        call.set(UPDATED_AT, call.get(CREATED_AT));
        firstSeenAt = call.<Instant>get(CREATED_AT).plusSeconds(1);
        firstSeenVia = "webhook";
        lastWebhookAt = firstSeenAt;
    }

    /** Created, credits reserved, not dialled yet. */
    public static TestCall queued(String id, String createdAt) {
        TestCall c = new TestCall(id, createdAt);
        c.call.set(STATUS, "queued");
        c.call.set(RESULT_STATUS, "pending");
        c.call.set(WEBHOOK_STATUS, "pending");
        return c;
    }

    /** Ringing at the callee, learned from the list poll before any webhook arrived. */
    public static TestCall ringing(String id, String createdAt) {
        TestCall c = queued(id, createdAt);
        c.call.set(STATUS, "ringing");
        c.call.set(STARTED_AT, c.call.<Instant>get(CREATED_AT).plusSeconds(2));
        c.call.set(UPDATED_AT, c.call.get(STARTED_AT));
        c.firstSeenVia = "poll";
        c.lastWebhookAt = null;
        c.lastPolledAt = c.call.<Instant>get(STARTED_AT).plusSeconds(5);
        c.firstSeenAt = c.lastPolledAt;
        return c;
    }

    /** Answered, conversation live. */
    public static TestCall inProgress(String id, String createdAt) {
        TestCall c = queued(id, createdAt);
        c.call.set(STATUS, "in_progress");
        c.call.set(ANSWERED_BY, "human");
        c.call.set(STARTED_AT, c.call.<Instant>get(CREATED_AT).plusSeconds(2));
        c.call.set(ANSWERED_AT, c.call.<Instant>get(CREATED_AT).plusSeconds(9));
        c.call.set(UPDATED_AT, c.call.get(ANSWERED_AT));
        c.lastWebhookAt = c.call.<Instant>get(ANSWERED_AT).plusMillis(300);
        return c;
    }

    /** Finished normally, extraction done, webhook delivered, billed. */
    public static TestCall completed(String id, String createdAt) {
        TestCall c = inProgress(id, createdAt);
        c.call.set(STATUS, "completed");
        c.call.set(ENDED_AT, c.call.<Instant>get(CREATED_AT).plusSeconds(95));
        c.call.set(DURATION_SECONDS, 93);
        c.call.set(BILLED_DURATION_SECONDS, 86);
        c.call.set(BILLING_AMOUNT_MILLI_CENTS, 4300L);
        c.call.set(RESERVATION_STATUS, "settled");
        c.call.set(RESULT_STATUS, "completed");
        c.call.set(RESULT, json("{\"confirmed\":true,\"new_time\":null}"));
        c.call.set(HANGUP_CAUSE, "NORMAL_CLEARING");
        c.call.set(WEBHOOK_STATUS, "delivered");
        c.call.set(UPDATED_AT, c.call.<Instant>get(ENDED_AT).plusSeconds(4));
        c.lastWebhookAt = c.call.<Instant>get(UPDATED_AT).plusMillis(250);
        c.lastPolledAt = c.call.<Instant>get(UPDATED_AT).plusSeconds(40);
        return c;
    }

    /** Rang out; no conversation, so extraction never runs and result_status stays pending. */
    public static TestCall noAnswer(String id, String createdAt) {
        TestCall c = queued(id, createdAt);
        c.call.set(STATUS, "no_answer");
        c.call.set(STARTED_AT, c.call.<Instant>get(CREATED_AT).plusSeconds(2));
        c.call.set(ENDED_AT, c.call.<Instant>get(CREATED_AT).plusSeconds(32));
        c.call.set(DURATION_SECONDS, 30);
        c.call.set(BILLED_DURATION_SECONDS, 0);
        c.call.set(BILLING_AMOUNT_MILLI_CENTS, 0L);
        c.call.set(RESERVATION_STATUS, "released");
        c.call.set(HANGUP_CAUSE, "NO_ANSWER");
        c.call.set(WEBHOOK_STATUS, "delivered");
        c.call.set(UPDATED_AT, c.call.<Instant>get(ENDED_AT).plusSeconds(1));
        c.lastWebhookAt = c.call.<Instant>get(UPDATED_AT).plusMillis(400);
        return c;
    }

    /** Busy signal. */
    public static TestCall busy(String id, String createdAt) {
        TestCall c = noAnswer(id, createdAt);
        c.call.set(STATUS, "busy");
        c.call.set(ENDED_AT, c.call.<Instant>get(CREATED_AT).plusSeconds(5));
        c.call.set(DURATION_SECONDS, 3);
        c.call.set(HANGUP_CAUSE, "USER_BUSY");
        c.call.set(UPDATED_AT, c.call.<Instant>get(ENDED_AT).plusSeconds(1));
        c.lastWebhookAt = c.call.<Instant>get(UPDATED_AT).plusMillis(400);
        return c;
    }

    /** Refused by the carrier; the inline webhook receiver was down, too. */
    public static TestCall failed(String id, String createdAt) {
        TestCall c = queued(id, createdAt);
        c.call.set(STATUS, "failed");
        c.call.set(ENDED_AT, c.call.<Instant>get(CREATED_AT).plusSeconds(1));
        c.call.set(RESERVATION_STATUS, "released");
        c.call.set(ERROR_CODE, "21217");
        c.call.set(ERROR_MESSAGE, "Phone number does not appear to be valid");
        c.call.set(WEBHOOK_STATUS, "failed");
        c.call.set(WEBHOOK_ERROR, "HTTP 503 from receiver after 8 attempts");
        c.call.set(UPDATED_AT, c.call.<Instant>get(ENDED_AT).plusSeconds(1));
        c.lastWebhookAt = null;
        c.firstSeenVia = "poll";
        c.lastPolledAt = c.call.<Instant>get(UPDATED_AT).plusSeconds(30);
        c.firstSeenAt = c.lastPolledAt;
        return c;
    }

    /** Canceled by the caller before pickup. */
    public static TestCall canceled(String id, String createdAt) {
        TestCall c = noAnswer(id, createdAt);
        c.call.set(STATUS, "canceled");
        c.call.set(ENDED_AT, c.call.<Instant>get(CREATED_AT).plusSeconds(4));
        c.call.set(DURATION_SECONDS, 2);
        c.call.set(HANGUP_CAUSE, "ORIGINATOR_CANCEL");
        c.call.set(UPDATED_AT, c.call.<Instant>get(ENDED_AT).plusSeconds(1));
        c.lastWebhookAt = c.call.<Instant>get(UPDATED_AT).plusMillis(400);
        return c;
    }

    /** A call answered by an inbound agent: the customer dialled one of our lines. */
    public TestCall inbound(String customer, String ourLine) {
        call.set(DIRECTION, "inbound");
        call.set(FROM_NUMBER, customer);
        call.set(TO_NUMBER, ourLine);
        call.set(CONTEXT, null);
        return this;
    }

    public TestCall to(String number) {
        call.set(TO_NUMBER, number);
        return this;
    }

    public TestCall from(String number) {
        call.set(FROM_NUMBER, number);
        return this;
    }

    public TestCall agent(UUID agentId) {
        call.set(AGENT_ID, agentId);
        return this;
    }

    public TestCall resultStatus(String resultStatus) {
        call.set(RESULT_STATUS, resultStatus);
        return this;
    }

    public TestCall webhookStatus(String webhookStatus) {
        call.set(WEBHOOK_STATUS, webhookStatus);
        return this;
    }

    public TestCall updatedAt(String updatedAt) {
        call.set(UPDATED_AT, Instant.parse(updatedAt));
        return this;
    }

    public UUID id() {
        return call.get(ID);
    }

    public Instant createdAt() {
        return call.get(CREATED_AT);
    }

    /** The CallingBox call object this test call stands for. */
    public CallSnapshot snapshot() {
        return call.build();
    }

    /** The entity to persist, as the reconciler would have stored it; each TestCall is inserted once. */
    public Call entity() {
        return SeededCalls.stored(snapshot(), firstSeenVia, firstSeenAt, lastWebhookAt, lastPolledAt);
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }
}
