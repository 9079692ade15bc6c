package io.callingboxgateway.reconcile;

import static io.callingboxgateway.model.CallField.*;
import static io.callingboxgateway.testing.CallBuilder.next;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.callingboxgateway.model.CallSnapshot;
import io.callingboxgateway.reconcile.CallMerge.Outcome;
import io.callingboxgateway.reconcile.EventLog.Decision;
import io.callingboxgateway.testing.CallBuilder;
import io.callingboxgateway.testing.Metrics;
import io.callingboxgateway.testing.PostgresResource;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The single writer against a real PostgreSQL: what each snapshot leaves in the call, the event log and the decision log. */
@QuarkusTest
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
class ReconcilerTest {

    @Inject
    Reconciler reconciler;

    @Inject
    ReconcileConfig config;

    @Inject
    EntityManager em;

    @Inject
    ObjectMapper json;

    private UUID callId;
    private CallSnapshot queued;
    private CallSnapshot ringing;
    private CallSnapshot inProgress;
    private CallSnapshot completedWithResult;

    /** A fresh call per test, its upstream times a minute back: recent, well inside the missed-webhook grace. */
    @BeforeEach
    void newCall() {
        callId = UUID.randomUUID();
        history(Instant.now().minusSeconds(60));
    }

    private void history(Instant t0) {
        queued = CallBuilder.queued(callId, t0).build();
        ringing = next(queued, c -> {
            c.set(STATUS, "ringing");
            c.set(STARTED_AT, t0.plusSeconds(2));
            c.set(UPDATED_AT, t0.plusSeconds(2));
        });
        inProgress = next(ringing, c -> {
            c.set(STATUS, "in_progress");
            c.set(ANSWERED_AT, t0.plusSeconds(6));
            c.set(ANSWERED_BY, "human");
            c.set(UPDATED_AT, t0.plusSeconds(6));
        });
        completedWithResult = next(inProgress, c -> {
            c.set(STATUS, "completed");
            c.set(ENDED_AT, t0.plusSeconds(40));
            c.set(DURATION_SECONDS, 34);
            c.set(RESULT_STATUS, "completed");
            c.set(RESULT, JsonNodeFactory.instance.objectNode().put("confirmed", true));
            c.set(UPDATED_AT, t0.plusSeconds(45));
        });
    }

    @Test
    void theFirstSnapshotWritesCallCreatedAndADecision() {
        UUID envelope = UUID.randomUUID();

        assertEquals(Outcome.CREATED, reconciler.apply(queued, Source.WEBHOOK, envelope));

        List<CallEvent> events = EventLog.events(callId);
        assertEquals(1, events.size());
        CallEvent created = events.get(0);
        assertEquals(CallEvent.CREATED, created.type);
        assertEquals(1, created.callSeq);
        assertEquals("webhook", created.source);
        assertEquals(envelope, created.upstreamEventId);
        assertFalse(created.missedWebhook);
        assertFalse(created.statusConflict);
        assertEquals(change(null, "queued"), created.changes.get("status"));
        assertEquals(change(null, "+15550100001"), created.changes.get("to_number"));
        assertEquals(change(null, queued.createdAt().toString()), created.changes.get("created_at"));
        assertFalse(created.changes.has("answered_at"), "a field that is null before and after did not change");
        assertEquals("queued", created.call.get("status").asText());

        List<Decision> decisions = EventLog.decisions(em, callId);
        assertEquals(1, decisions.size());
        Decision decision = decisions.get(0);
        assertEquals("created", decision.outcome());
        assertEquals("webhook", decision.source());
        assertEquals(envelope, decision.upstreamEventId());
        assertEquals("queued", decision.snapshotStatus());
        assertEquals(created.id, decision.firstEventId());
        assertEquals(fieldNames(created.changes), new HashSet<>(decision.changedFields()));
    }

    @Test
    void aCallObjectWithOnlyItsRequiredFieldsIsStored() {
        CallSnapshot bare = next(queued, c -> {
            c.set(RESULT_STATUS, null);
            c.set(WEBHOOK_STATUS, null);
            c.set(RESERVATION_STATUS, null);
        });

        assertEquals(Outcome.CREATED, reconciler.apply(bare, Source.WEBHOOK, UUID.randomUUID()));

        CallEvent created = EventLog.events(callId).get(0);
        assertTrue(created.call.get("result_status").isNull());
        assertTrue(created.call.get("reconciliation").get("result_expected").asBoolean());
    }

    @Test
    void aCallObjectWithoutUpdatedAtIsRefused() {
        // updated_at orders snapshots of one call; without it a call cannot be merged (ADR 0056)
        CallSnapshot undated = next(queued, c -> c.set(UPDATED_AT, null));

        assertThrows(
                IllegalArgumentException.class, () -> reconciler.apply(undated, Source.WEBHOOK, UUID.randomUUID()));
        assertEquals(List.of(), EventLog.events(callId));
    }

    @Test
    void aDuplicateWritesNoEventButIsDecidedAndLogged() {
        reconciler.apply(queued, Source.WEBHOOK, UUID.randomUUID());

        assertEquals(Outcome.DUPLICATE, reconciler.apply(queued, Source.POLL, null));

        assertEquals(1, EventLog.events(callId).size());
        List<Decision> decisions = EventLog.decisions(em, callId);
        assertEquals(List.of("created", "duplicate"), outcomes(decisions));
        Decision duplicate = decisions.get(1);
        assertEquals("poll", duplicate.source());
        assertNull(duplicate.upstreamEventId());
        assertEquals(List.of(), duplicate.changedFields());
        assertNull(duplicate.firstEventId());
    }

    @Test
    void aStaleSnapshotWritesNoEvent() {
        reconciler.apply(inProgress, Source.POLL, null);

        assertEquals(Outcome.STALE, reconciler.apply(ringing, Source.WEBHOOK, UUID.randomUUID()));

        assertEquals(1, EventLog.events(callId).size());
        assertEquals(List.of("created", "stale"), outcomes(EventLog.decisions(em, callId)));
        assertEquals("in_progress", EventLog.stored(callId).call().status());
    }

    @Test
    void aStatusChangeAndTheResultTogetherAreTwoEventsEachChangeInOne() {
        reconciler.apply(inProgress, Source.WEBHOOK, UUID.randomUUID());

        assertEquals(Outcome.APPLIED, reconciler.apply(completedWithResult, Source.WEBHOOK, UUID.randomUUID()));

        List<CallEvent> events = EventLog.events(callId);
        assertEquals(
                List.of(CallEvent.CREATED, CallEvent.STATUS_CHANGED, CallEvent.RESULT_READY),
                events.stream().map(e -> e.type).toList());
        CallEvent statusChanged = events.get(1);
        CallEvent resultReady = events.get(2);
        assertEquals(change("in_progress", "completed"), statusChanged.changes.get("status"));
        assertEquals(change(null, completedWithResult.endedAt().toString()), statusChanged.changes.get("ended_at"));
        assertEquals(change(null, 34), statusChanged.changes.get("duration_seconds"));
        assertEquals(Set.of("status", "ended_at", "duration_seconds", "updated_at"), fieldNames(statusChanged.changes));
        assertEquals(change("pending", "completed"), resultReady.changes.get("result_status"));
        assertEquals(json.createObjectNode().put("confirmed", true), resultReady.changes.at("/result/after"));
        assertEquals(NullNode.instance, resultReady.changes.at("/result/before"));
        assertEquals(Set.of("result_status", "result"), fieldNames(resultReady.changes));

        assertEquals(List.of(1, 2, 3), events.stream().map(e -> e.callSeq).toList());
        assertEquals(statusChanged.id + 1, resultReady.id);
        Decision applied = EventLog.decisions(em, callId).get(1);
        assertEquals(statusChanged.id, applied.firstEventId());
        Set<String> union = new HashSet<>(fieldNames(statusChanged.changes));
        union.addAll(fieldNames(resultReady.changes));
        assertEquals(union, new HashSet<>(applied.changedFields()));
    }

    @Test
    void aRedeliverResetMovesWebhookStatusBackOnlyWithANewerUpdatedAt() {
        CallSnapshot delivered = next(completedWithResult, c -> {
            c.set(WEBHOOK_STATUS, "delivered");
            c.set(UPDATED_AT, completedWithResult.updatedAt().plusSeconds(1));
        });
        reconciler.apply(delivered, Source.WEBHOOK, UUID.randomUUID());

        CallSnapshot resetNotNewer = next(delivered, c -> c.set(WEBHOOK_STATUS, "pending"));
        assertEquals(Outcome.STALE, reconciler.apply(resetNotNewer, Source.POLL, null));

        CallSnapshot redelivered = next(delivered, c -> {
            c.set(WEBHOOK_STATUS, "pending");
            c.set(UPDATED_AT, delivered.updatedAt().plusSeconds(20));
        });
        assertEquals(Outcome.APPLIED, reconciler.apply(redelivered, Source.POLL, null));

        List<CallEvent> events = EventLog.events(callId);
        CallEvent reset = events.stream()
                .filter(e -> e.type.equals(CallEvent.WEBHOOK_STATUS_CHANGED))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no webhook_status_changed in " + types(events)));
        assertEquals(Set.of("webhook_status"), fieldNames(reset.changes));
        assertEquals(change("delivered", "pending"), reset.changes.get("webhook_status"));
        assertEquals("pending", EventLog.stored(callId).call().webhookStatus());
        assertEquals("completed", EventLog.stored(callId).call().status());
    }

    @Test
    void eventIdsAreConsecutiveAndCallSeqRunsFromOneWithoutGaps() {
        List<CallSnapshot> life =
                CallHistories.lifecycle(new Random(7), callId, Instant.now().minusSeconds(60));
        for (int i = 0; i < life.size(); i++) {
            Source source = i % 2 == 0 ? Source.WEBHOOK : Source.POLL;
            reconciler.apply(life.get(i), source, source == Source.WEBHOOK ? UUID.randomUUID() : null);
            reconciler.apply(life.get(i / 2), Source.POLL, null); // stale or duplicate: no event
        }

        List<CallEvent> events = EventLog.events(callId);
        assertEquals(IntStream.rangeClosed(1, events.size()).boxed().toList(), seqs(events));
        for (int i = 1; i < events.size(); i++) {
            assertEquals(events.get(i - 1).id + 1, events.get(i).id, "ids of one writer follow each other");
        }
        assertTrue(events.size() >= life.size(), "every lifecycle step changed something: " + types(events));
    }

    @Test
    void theCallOfEachEventIsWhatGetCallsServesAtThatMoment() throws Exception {
        List<CallSnapshot> life =
                CallHistories.lifecycle(new Random(11), callId, Instant.now().minusSeconds(60));
        int seen = 0;
        for (int i = 0; i < life.size(); i++) {
            reconciler.apply(life.get(i), i % 2 == 0 ? Source.WEBHOOK : Source.POLL, UUID.randomUUID());
            List<CallEvent> events = EventLog.events(callId);
            assertTrue(events.size() > seen, "step " + i + " wrote no event");
            seen = events.size();

            String body = given().get("/calls/{id}", callId)
                    .then()
                    .statusCode(200)
                    .extract()
                    .asString();
            JsonNode served = json.readTree(body);
            assertEquals(served, events.get(events.size() - 1).call, "step " + i);
        }
        JsonNode last = EventLog.events(callId).get(seen - 1).call;
        assertTrue(last.has("result_status") && last.has("webhook_status") && last.has("created_at"));
        assertEquals(
                Set.of("first_seen_via", "first_seen_at", "last_webhook_at", "last_polled_at", "result_expected"),
                fieldNames(last.get("reconciliation")));
        assertEquals("webhook", last.at("/reconciliation/first_seen_via").asText());
    }

    @Test
    void aPollThatFindsAnOldStatusChangeCountsAMissedWebhook() {
        Instant longAgo = Instant.now().minus(config.missedWebhookGrace()).minus(Duration.ofHours(2));
        history(longAgo);
        reconciler.apply(ringing, Source.WEBHOOK, UUID.randomUUID());
        double missedBefore = missedWebhooks();

        reconciler.apply(completedWithResult, Source.POLL, null);

        List<CallEvent> found = EventLog.events(callId).subList(1, 3);
        assertEquals(List.of(CallEvent.STATUS_CHANGED, CallEvent.RESULT_READY), types(found));
        found.forEach(e -> assertTrue(e.missedWebhook, e.type + " should be marked missed"));
        assertFalse(EventLog.events(callId).get(0).missedWebhook);
        assertEquals(missedBefore + 1, missedWebhooks());
    }

    @Test
    void aPollThatFindsARecentChangeIsNoMissedWebhook() {
        history(Instant.now().minus(config.missedWebhookGrace().dividedBy(2)).truncatedTo(ChronoUnit.MILLIS));
        reconciler.apply(ringing, Source.WEBHOOK, UUID.randomUUID());
        double missedBefore = missedWebhooks();

        reconciler.apply(inProgress, Source.POLL, null);

        CallEvent found = EventLog.events(callId).get(1);
        assertEquals(CallEvent.STATUS_CHANGED, found.type);
        assertFalse(found.missedWebhook);
        assertEquals(missedBefore, missedWebhooks());
    }

    @Test
    void webhooksAndBackfillNeverCountAMissedWebhookHoweverOld() {
        history(Instant.now().minus(config.missedWebhookGrace()).minus(Duration.ofHours(2)));
        double missedBefore = missedWebhooks();

        reconciler.apply(ringing, Source.WEBHOOK, UUID.randomUUID());
        reconciler.apply(inProgress, Source.BACKFILL, null);
        reconciler.apply(completedWithResult, Source.WEBHOOK, UUID.randomUUID());
        // an old poll that only finds the webhook delivered announces no progress a webhook would have
        reconciler.apply(
                next(completedWithResult, c -> {
                    c.set(WEBHOOK_STATUS, "delivered");
                    c.set(UPDATED_AT, completedWithResult.updatedAt().plusSeconds(1));
                }),
                Source.POLL,
                null);

        List<CallEvent> events = EventLog.events(callId);
        assertEquals(List.of("webhook", "backfill", "webhook", "webhook", "poll", "poll"), sources(events));
        events.forEach(e -> assertFalse(e.missedWebhook, e.type + " from " + e.source + " marked missed"));
        assertEquals(missedBefore, missedWebhooks());
    }

    /** The Prometheus counter of missed webhooks, as a scraper reads it. */
    private static double missedWebhooks() {
        return Metrics.sum("gateway_webhooks_missed_total");
    }

    /** {@code {"before": ..., "after": ...}} as the event log spells one change. */
    private JsonNode change(Object before, Object after) {
        ObjectNode change = json.createObjectNode();
        change.set("before", before == null ? NullNode.instance : json.valueToTree(before));
        change.set("after", after == null ? NullNode.instance : json.valueToTree(after));
        return change;
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new HashSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<String> outcomes(List<Decision> decisions) {
        return decisions.stream().map(Decision::outcome).toList();
    }

    private static List<String> types(List<CallEvent> events) {
        return events.stream().map(e -> e.type).toList();
    }

    private static List<String> sources(List<CallEvent> events) {
        return events.stream().map(e -> e.source).toList();
    }

    private static List<Integer> seqs(List<CallEvent> events) {
        return events.stream().map(e -> e.callSeq).toList();
    }
}
