package io.callingboxgateway.reconcile;

import static io.callingboxgateway.model.CallField.*;
import static io.callingboxgateway.testing.CallBuilder.next;
import static io.callingboxgateway.testing.TestInstants.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.callingboxgateway.model.CallSnapshot;
import io.callingboxgateway.reconcile.CallMerge.Change;
import io.callingboxgateway.reconcile.CallMerge.Outcome;
import io.callingboxgateway.reconcile.CallMerge.Reconciled;
import io.callingboxgateway.reconcile.CallMerge.Result;
import io.callingboxgateway.testing.CallBuilder;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The merge rules a reader should see at a glance; {@link CallMergePropertyTest} checks them in general. */
class CallMergeTest {

    private static final UUID CALL = UUID.fromString("7d1f3c52-6a4e-4c1b-9f53-2b8c0e4a1d01");

    private final CallSnapshot queued = CallBuilder.queued(CALL, T0).build();
    private final CallSnapshot ringing = next(queued, c -> {
        c.set(STATUS, "ringing");
        c.set(STARTED_AT, T0.plusSeconds(2));
        c.set(UPDATED_AT, T0.plusSeconds(2));
    });
    private final CallSnapshot inProgress = next(ringing, c -> {
        c.set(STATUS, "in_progress");
        c.set(ANSWERED_AT, T0.plusSeconds(9));
        c.set(ANSWERED_BY, "human");
        c.set(UPDATED_AT, T0.plusSeconds(9));
    });
    private final CallSnapshot completedPending = next(inProgress, c -> {
        c.set(STATUS, "completed");
        c.set(ENDED_AT, T0.plusSeconds(70));
        c.set(DURATION_SECONDS, 61);
        c.set(UPDATED_AT, T0.plusSeconds(70));
    });
    private final CallSnapshot completedWithResult = next(completedPending, c -> {
        c.set(RESULT_STATUS, "completed");
        c.set(RESULT, JsonNodeFactory.instance.objectNode().put("confirmed", true));
        c.set(UPDATED_AT, T0.plusSeconds(75));
    });

    @Test
    void aNewerSnapshotWithoutAWebhookStatusDoesNotBlankIt() {
        CallSnapshot delivered = next(completedWithResult, c -> {
            c.set(WEBHOOK_STATUS, "delivered");
            c.set(UPDATED_AT, T0.plusSeconds(80));
        });
        CallSnapshot silentOnDelivery = next(delivered, c -> {
            c.set(WEBHOOK_STATUS, null);
            c.set(BILLING_AMOUNT_MILLI_CENTS, 5083L);
            c.set(UPDATED_AT, T0.plusSeconds(90));
        });
        CallSnapshot unknownDelivery = next(silentOnDelivery, c -> {
            c.set(WEBHOOK_STATUS, "retrying");
            c.set(UPDATED_AT, T0.plusSeconds(95));
        });

        Reconciled merged = fold(delivered, silentOnDelivery, unknownDelivery);

        assertEquals("delivered", merged.call().webhookStatus());
        assertEquals(
                5083L, merged.call().billingAmountMilliCents(), "the other fields still follow the newer snapshot");
        assertEquals(merged, fold(unknownDelivery, silentOnDelivery, delivered));
    }

    @Test
    void ringingArrivingAfterCompletedIsStale() {
        Reconciled completed = fold(queued, completedWithResult);

        Result late = CallMerge.merge(completed, ringing);

        assertEquals(Outcome.STALE, late.outcome());
        assertTrue(late.changes().isEmpty());
        assertEquals(completed, late.next());
    }

    @Test
    void aLaterDifferentTerminalWinsAndIsRecordedAsAConflict() {
        CallSnapshot failedLater = next(completedWithResult, c -> {
            c.set(STATUS, "failed");
            c.set(ERROR_CODE, "provider_error");
            c.set(UPDATED_AT, T0.plusSeconds(80));
        });

        Result result = CallMerge.merge(fold(completedWithResult), failedLater);

        assertEquals(Outcome.APPLIED, result.outcome());
        assertEquals("failed", result.next().call().status());
        assertEquals(new Change("completed", "failed"), result.changes().get("status"));
        assertTrue(result.statusConflict());

        Result reverse = CallMerge.merge(fold(failedLater), completedWithResult);
        assertEquals(Outcome.STALE, reverse.outcome(), "the earlier terminal loses whichever arrives first");
        assertTrue(reverse.statusConflict(), "the conflict is recorded even when the earlier one is ignored");
        assertEquals(fold(completedWithResult, failedLater), fold(failedLater, completedWithResult));
    }

    @Test
    void theResultArrivesAfterTheCallCompleted() {
        Result result = CallMerge.merge(fold(completedPending), completedWithResult);

        assertEquals(Outcome.APPLIED, result.outcome());
        assertEquals(new Change("pending", "completed"), result.changes().get("result_status"));
        assertEquals(
                new Change(null, JsonNodeFactory.instance.objectNode().put("confirmed", true)),
                result.changes().get("result"));
        assertFalse(result.changes().containsKey("status"), "status was completed already");

        Result pendingLate = CallMerge.merge(result.next(), completedPending);
        assertEquals(Outcome.STALE, pendingLate.outcome(), "pending never replaces a final result");
    }

    @Test
    void aManualRedeliverMovesWebhookStatusBackOnlyWithANewerUpdatedAt() {
        CallSnapshot delivered = next(completedWithResult, c -> {
            c.set(WEBHOOK_STATUS, "delivered");
            c.set(UPDATED_AT, T0.plusSeconds(76));
        });
        Reconciled state = fold(delivered);

        CallSnapshot pendingSameTime = next(delivered, c -> c.set(WEBHOOK_STATUS, "pending"));
        Result notNewer = CallMerge.merge(state, pendingSameTime);
        assertEquals(Outcome.STALE, notNewer.outcome());
        assertEquals("delivered", notNewer.next().call().webhookStatus());

        CallSnapshot redelivered = next(delivered, c -> {
            c.set(WEBHOOK_STATUS, "pending");
            c.set(UPDATED_AT, T0.plusSeconds(1800));
        });
        Result reset = CallMerge.merge(state, redelivered);
        assertEquals(Outcome.APPLIED, reset.outcome());
        assertEquals(new Change("delivered", "pending"), reset.changes().get("webhook_status"));
        assertEquals(T0.plusSeconds(1800), reset.next().webhookUpdatedAt());
        assertEquals("completed", reset.next().call().status(), "the reset moves nothing else back");
        assertEquals("completed", reset.next().call().resultStatus());
    }

    @Test
    void anUnknownStatusIsKeptUntilADocumentedOneArrivesAndNeverReplacesOne() {
        CallSnapshot onHold = next(inProgress, c -> {
            c.set(STATUS, "on_hold");
            c.set(UPDATED_AT, T0.plusSeconds(20));
        });

        assertEquals("on_hold", fold(onHold).call().status(), "stored when nothing better is known");
        assertEquals("in_progress", fold(onHold, inProgress).call().status());
        assertEquals("in_progress", fold(inProgress, onHold).call().status(), "newer, but not better");
        assertEquals(Outcome.STALE, CallMerge.merge(fold(inProgress), onHold).outcome());
    }

    @Test
    void theSameJsonWithItsKeysInAnotherOrderIsADuplicate() {
        ObjectNode metadata =
                JsonNodeFactory.instance.objectNode().put("crm_id", "C-17").put("campaign", "reminders");
        CallSnapshot a = next(ringing, c -> c.set(METADATA, metadata));
        CallSnapshot b = next(ringing, c -> c.set(METADATA, CallHistories.reordered(metadata)));

        Result result = CallMerge.merge(fold(a), b);

        assertEquals(Outcome.DUPLICATE, result.outcome());
        assertTrue(result.changes().isEmpty());
    }

    @Test
    void equalUpdatedAtWithDifferentContentIsDecidedByContentNotByArrival() {
        CallSnapshot a = next(ringing, c -> c.set(HANGUP_CAUSE, "x"));
        CallSnapshot b = next(ringing, c -> c.set(HANGUP_CAUSE, "y"));

        assertEquals(fold(a, b), fold(b, a));
    }

    @Test
    void objectsWhoseKeysLookLikeSeparatorsAreNotMistakenForEachOther() {
        // {"a":1,"b":2} and {"a=1, b":2} once had the same tie-break text, so neither won a tie and
        // whichever arrived first stayed
        CallSnapshot a = next(
                ringing,
                c -> c.set(
                        METADATA,
                        JsonNodeFactory.instance.objectNode().put("a", 1).put("b", 2)));
        CallSnapshot b = next(
                ringing,
                c -> c.set(METADATA, JsonNodeFactory.instance.objectNode().put("a=1, b", 2)));

        assertEquals(fold(a, b), fold(b, a));
    }

    @Test
    void aTextThatReadsNullIsNotMistakenForNoValue() {
        CallSnapshot none = next(ringing, c -> c.set(ERROR_MESSAGE, null));
        CallSnapshot text = next(ringing, c -> c.set(ERROR_MESSAGE, "null"));

        assertEquals(fold(none, text), fold(text, none));
    }

    @Test
    void aSnapshotWithoutUpdatedAtLosesToOneWithIt() {
        CallSnapshot undated = next(ringing, c -> {
            c.set(UPDATED_AT, null);
            c.set(HANGUP_CAUSE, "undated");
        });

        Reconciled state = fold(ringing, undated);

        assertEquals(ringing, state.call());
        assertEquals(state, fold(undated, ringing));
        assertNull(fold(undated).call().updatedAt(), "stored when it is all there is");
    }

    private static Reconciled fold(CallSnapshot... arrivals) {
        return CallMergePropertyTest.fold(List.of(arrivals));
    }
}
