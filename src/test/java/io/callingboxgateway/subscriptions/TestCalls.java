package io.callingboxgateway.subscriptions;

import io.callingboxgateway.model.CallSnapshot;
import io.callingboxgateway.reconcile.Reconciler;
import io.callingboxgateway.reconcile.Source;
import io.callingboxgateway.testing.CallSnapshots;
import java.time.Instant;
import java.util.UUID;

/** Writes events the way the gateway does: by reconciling call snapshots. */
final class TestCalls {

    static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

    private TestCalls() {}

    /** A new call: one {@code call.created} event. */
    static UUID create(Reconciler reconciler) {
        return create(reconciler, UUID.randomUUID());
    }

    static UUID create(Reconciler reconciler, UUID id) {
        reconciler.apply(snapshot(id, "queued", T0), Source.POLL, null);
        return id;
    }

    /** A call moving to a later status: one {@code call.status_changed} event. */
    static void advance(Reconciler reconciler, UUID id, String status, int secondsLater) {
        reconciler.apply(snapshot(id, status, T0.plusSeconds(secondsLater)), Source.POLL, null);
    }

    static CallSnapshot snapshot(UUID id, String status, Instant t) {
        return CallSnapshots.of(id, status, "pending", null, "pending", t);
    }
}
