package io.callingboxgateway.subscriptions;

import static io.callingboxgateway.testing.TestInstants.T0;

import io.callingboxgateway.model.CallSnapshot;
import io.callingboxgateway.reconcile.Reconciler;
import io.callingboxgateway.reconcile.Source;
import io.callingboxgateway.testing.CallSnapshots;
import java.time.Instant;
import java.util.UUID;

/** Writes events the way the gateway does: by reconciling call snapshots. */
public final class TestCalls {

    private TestCalls() {}

    /** A new call: one {@code call.created} event. */
    public static UUID create(Reconciler reconciler) {
        return create(reconciler, UUID.randomUUID());
    }

    public static UUID create(Reconciler reconciler, UUID id) {
        reconciler.apply(snapshot(id, "queued", T0), Source.POLL, null);
        return id;
    }

    /** A call moving to a later status: one {@code call.status_changed} event. */
    public static void advance(Reconciler reconciler, UUID id, String status, int secondsLater) {
        reconciler.apply(snapshot(id, status, T0.plusSeconds(secondsLater)), Source.POLL, null);
    }

    static CallSnapshot snapshot(UUID id, String status, Instant t) {
        return CallSnapshots.of(id, status, "pending", null, "pending", t);
    }
}
