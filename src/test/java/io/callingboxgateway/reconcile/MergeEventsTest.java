package io.callingboxgateway.reconcile;

import static io.callingboxgateway.model.CallField.*;
import static io.callingboxgateway.testing.CallBuilder.next;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.callingboxgateway.model.CallSnapshot;
import io.callingboxgateway.reconcile.CallMerge.Outcome;
import io.callingboxgateway.reconcile.CallMerge.Reconciled;
import io.callingboxgateway.reconcile.CallMerge.Result;
import io.callingboxgateway.testing.CallBuilder;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The events one merge makes and the change set it logs: decided without a database. */
class MergeEventsTest {

    private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

    private final CallSnapshot queued =
            CallBuilder.queued(UUID.randomUUID(), T0).build();
    private final CallSnapshot inProgress = next(
            queued,
            c -> c.set(STATUS, "in_progress")
                    .set(ANSWERED_AT, T0.plusSeconds(9))
                    .set(ANSWERED_BY, "human")
                    .set(UPDATED_AT, T0.plusSeconds(9)));

    @Test
    void aNewCallIsOneCreatedEventHoldingEveryField() {
        Result result = CallMerge.merge(null, queued);

        assertEquals(
                List.of(CallEvent.CREATED), List.copyOf(MergeEvents.of(result).keySet()));
        assertEquals(
                result.changes().keySet(),
                MergeEvents.of(result).get(CallEvent.CREATED).keySet(),
                "the result and webhook fields of a new call belong to call.created");
        assertTrue(MergeEvents.reportsProgress(result));
    }

    @Test
    void anEndWithItsResultIsAStatusChangeAndAResultReady() {
        CallSnapshot completed = next(
                inProgress,
                c -> c.set(STATUS, "completed")
                        .set(ENDED_AT, T0.plusSeconds(95))
                        .set(RESULT_STATUS, "completed")
                        .set(RESULT, JsonNodeFactory.instance.objectNode().put("confirmed", true))
                        .set(UPDATED_AT, T0.plusSeconds(96)));

        Result result = CallMerge.merge(Reconciled.first(inProgress), completed);

        var events = MergeEvents.of(result);
        assertEquals(List.of(CallEvent.STATUS_CHANGED, CallEvent.RESULT_READY), List.copyOf(events.keySet()));
        assertEquals(
                List.of("status", "ended_at", "updated_at"),
                List.copyOf(events.get(CallEvent.STATUS_CHANGED).keySet()));
        assertEquals(
                List.of("result", "result_status"),
                List.copyOf(events.get(CallEvent.RESULT_READY).keySet()));
        assertEquals("{status,result,result_status,ended_at,updated_at}", MergeEvents.changedFields(result));
    }

    @Test
    void aResultThatIsNotFinalTravelsWithTheOtherChanges() {
        CallSnapshot errorNoted =
                next(inProgress, c -> c.set(RESULT_ERROR, "extraction delayed").set(UPDATED_AT, T0.plusSeconds(20)));

        Result result = CallMerge.merge(Reconciled.first(inProgress), errorNoted);

        var events = MergeEvents.of(result);
        assertEquals(List.of(CallEvent.UPDATED), List.copyOf(events.keySet()));
        assertEquals(
                List.of("updated_at", "result_error"),
                List.copyOf(events.get(CallEvent.UPDATED).keySet()));
        assertFalse(MergeEvents.reportsProgress(result), "no new status and no result: nothing a webhook announces");
    }

    @Test
    void aDeliveredInlineWebhookIsItsOwnEvent() {
        CallSnapshot delivered =
                next(inProgress, c -> c.set(WEBHOOK_STATUS, "delivered").set(UPDATED_AT, T0.plusSeconds(9)));

        Result result = CallMerge.merge(Reconciled.first(inProgress), delivered);

        var events = MergeEvents.of(result);
        assertEquals(List.of(CallEvent.WEBHOOK_STATUS_CHANGED), List.copyOf(events.keySet()));
        assertEquals(
                List.of("webhook_status"),
                List.copyOf(events.get(CallEvent.WEBHOOK_STATUS_CHANGED).keySet()));
    }

    @Test
    void outcomesKeepTheirWireNamesUnderATurkishLocale() {
        Locale before = Locale.getDefault();
        Locale.setDefault(Locale.forLanguageTag("tr-TR"));
        try {
            assertEquals("applied", Outcome.APPLIED.wireName(), "not \"applıed\"");
            for (Outcome outcome : Outcome.values()) {
                assertEquals(outcome.name().toLowerCase(Locale.ROOT), outcome.wireName());
            }
        } finally {
            Locale.setDefault(before);
        }
    }
}
