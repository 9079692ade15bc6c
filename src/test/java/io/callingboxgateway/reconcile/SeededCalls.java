package io.callingboxgateway.reconcile;

import io.callingboxgateway.model.CallSnapshot;
import io.callingboxgateway.reconcile.CallMerge.Reconciled;
import java.time.Instant;

/**
 * Calls as the reconciler would have stored them, for tests that seed the store directly. It lives in
 * the reconciler's package (test sources only) because only this package may write a call.
 */
public final class SeededCalls {

    private SeededCalls() {}

    /** A call first seen via {@code via} ("webhook" or "poll") at {@code firstSeenAt}, never merged since. */
    public static Call stored(
            CallSnapshot snapshot, String via, Instant firstSeenAt, Instant lastWebhookAt, Instant lastPolledAt) {
        Call call = Call.firstSeen(snapshot.id(), "webhook".equals(via) ? Source.WEBHOOK : Source.POLL, firstSeenAt);
        // As TestCall always seeded it: no updated_at recorded yet for the result and webhook groups.
        call.take(new Reconciled(snapshot, null, null));
        if (lastWebhookAt != null) {
            call.heardVia(Source.WEBHOOK, lastWebhookAt);
        }
        if (lastPolledAt != null) {
            call.heardVia(Source.POLL, lastPolledAt);
        }
        return call;
    }
}
