package io.callingboxgateway.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.callingboxgateway.reconcile.Call;
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

    private final Call call = new Call();

    private TestCall(String id, String createdAt) {
        call.id = UUID.fromString(id);
        call.agentId = SALES_AGENT;
        call.toNumber = ALICE;
        call.fromNumber = SALES_LINE;
        call.direction = "outbound";
        call.persona = "Maya, scheduling assistant at Bayview Dental";
        call.instructions = "Confirm tomorrow's appointment and offer to reschedule.";
        call.prompt = "You are Maya, a scheduling assistant at Bayview Dental.";
        call.context = json("{\"patientName\":\"Alice Moreno\",\"appointmentAt\":\"2026-04-17T15:30:00Z\"}");
        call.returns = json("{\"confirmed\":\"boolean\",\"new_time\":\"string\"}");
        call.language = "en";
        call.webhookUrl = "https://hooks.bayview-dental.example/callingbox";
        call.reservationStatus = "reserved";
        call.metadata = json("{\"crmId\":\"APT-20417\",\"campaign\":\"reminders\"}");
        call.createdAt = Instant.parse(createdAt);
        call.updatedAt = call.createdAt;
        call.firstSeenAt = call.createdAt.plusSeconds(1);
        call.firstSeenVia = "webhook";
        call.lastWebhookAt = call.firstSeenAt;
    }

    /** Created, credits reserved, not dialled yet. */
    public static TestCall queued(String id, String createdAt) {
        TestCall c = new TestCall(id, createdAt);
        c.call.status = "queued";
        c.call.resultStatus = "pending";
        c.call.webhookStatus = "pending";
        return c;
    }

    /** Ringing at the callee, learned from the list poll before any webhook arrived. */
    public static TestCall ringing(String id, String createdAt) {
        TestCall c = queued(id, createdAt);
        c.call.status = "ringing";
        c.call.startedAt = c.call.createdAt.plusSeconds(2);
        c.call.updatedAt = c.call.startedAt;
        c.call.firstSeenVia = "poll";
        c.call.lastWebhookAt = null;
        c.call.lastPolledAt = c.call.startedAt.plusSeconds(5);
        c.call.firstSeenAt = c.call.lastPolledAt;
        return c;
    }

    /** Answered, conversation live. */
    public static TestCall inProgress(String id, String createdAt) {
        TestCall c = queued(id, createdAt);
        c.call.status = "in_progress";
        c.call.answeredBy = "human";
        c.call.startedAt = c.call.createdAt.plusSeconds(2);
        c.call.answeredAt = c.call.createdAt.plusSeconds(9);
        c.call.updatedAt = c.call.answeredAt;
        c.call.lastWebhookAt = c.call.answeredAt.plusMillis(300);
        return c;
    }

    /** Finished normally, extraction done, webhook delivered, billed. */
    public static TestCall completed(String id, String createdAt) {
        TestCall c = inProgress(id, createdAt);
        c.call.status = "completed";
        c.call.endedAt = c.call.createdAt.plusSeconds(95);
        c.call.durationSeconds = 93;
        c.call.billedDurationSeconds = 86;
        c.call.billingAmountMilliCents = 4300L;
        c.call.reservationStatus = "settled";
        c.call.resultStatus = "completed";
        c.call.result = json("{\"confirmed\":true,\"new_time\":null}");
        c.call.hangupCause = "NORMAL_CLEARING";
        c.call.webhookStatus = "delivered";
        c.call.updatedAt = c.call.endedAt.plusSeconds(4);
        c.call.lastWebhookAt = c.call.updatedAt.plusMillis(250);
        c.call.lastPolledAt = c.call.updatedAt.plusSeconds(40);
        return c;
    }

    /** Rang out; no conversation, so extraction never runs and result_status stays pending. */
    public static TestCall noAnswer(String id, String createdAt) {
        TestCall c = queued(id, createdAt);
        c.call.status = "no_answer";
        c.call.startedAt = c.call.createdAt.plusSeconds(2);
        c.call.endedAt = c.call.createdAt.plusSeconds(32);
        c.call.durationSeconds = 30;
        c.call.billedDurationSeconds = 0;
        c.call.billingAmountMilliCents = 0L;
        c.call.reservationStatus = "released";
        c.call.hangupCause = "NO_ANSWER";
        c.call.webhookStatus = "delivered";
        c.call.updatedAt = c.call.endedAt.plusSeconds(1);
        c.call.lastWebhookAt = c.call.updatedAt.plusMillis(400);
        return c;
    }

    /** Busy signal. */
    public static TestCall busy(String id, String createdAt) {
        TestCall c = noAnswer(id, createdAt);
        c.call.status = "busy";
        c.call.endedAt = c.call.createdAt.plusSeconds(5);
        c.call.durationSeconds = 3;
        c.call.hangupCause = "USER_BUSY";
        c.call.updatedAt = c.call.endedAt.plusSeconds(1);
        c.call.lastWebhookAt = c.call.updatedAt.plusMillis(400);
        return c;
    }

    /** Refused by the carrier; the inline webhook receiver was down, too. */
    public static TestCall failed(String id, String createdAt) {
        TestCall c = queued(id, createdAt);
        c.call.status = "failed";
        c.call.endedAt = c.call.createdAt.plusSeconds(1);
        c.call.reservationStatus = "released";
        c.call.errorCode = "21217";
        c.call.errorMessage = "Phone number does not appear to be valid";
        c.call.webhookStatus = "failed";
        c.call.webhookError = "HTTP 503 from receiver after 8 attempts";
        c.call.updatedAt = c.call.endedAt.plusSeconds(1);
        c.call.lastWebhookAt = null;
        c.call.firstSeenVia = "poll";
        c.call.lastPolledAt = c.call.updatedAt.plusSeconds(30);
        c.call.firstSeenAt = c.call.lastPolledAt;
        return c;
    }

    /** Canceled by the caller before pickup. */
    public static TestCall canceled(String id, String createdAt) {
        TestCall c = noAnswer(id, createdAt);
        c.call.status = "canceled";
        c.call.endedAt = c.call.createdAt.plusSeconds(4);
        c.call.durationSeconds = 2;
        c.call.hangupCause = "ORIGINATOR_CANCEL";
        c.call.updatedAt = c.call.endedAt.plusSeconds(1);
        c.call.lastWebhookAt = c.call.updatedAt.plusMillis(400);
        return c;
    }

    /** A call answered by an inbound agent: the customer dialled one of our lines. */
    public TestCall inbound(String customer, String ourLine) {
        call.direction = "inbound";
        call.fromNumber = customer;
        call.toNumber = ourLine;
        call.context = null;
        return this;
    }

    public TestCall to(String number) {
        call.toNumber = number;
        return this;
    }

    public TestCall from(String number) {
        call.fromNumber = number;
        return this;
    }

    public TestCall agent(UUID agentId) {
        call.agentId = agentId;
        return this;
    }

    public TestCall resultStatus(String resultStatus) {
        call.resultStatus = resultStatus;
        return this;
    }

    public TestCall webhookStatus(String webhookStatus) {
        call.webhookStatus = webhookStatus;
        return this;
    }

    public TestCall updatedAt(String updatedAt) {
        call.updatedAt = Instant.parse(updatedAt);
        return this;
    }

    public UUID id() {
        return call.id;
    }

    public Instant createdAt() {
        return call.createdAt;
    }

    /** The entity to persist; each TestCall is inserted once. */
    public Call entity() {
        return call;
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }
}
