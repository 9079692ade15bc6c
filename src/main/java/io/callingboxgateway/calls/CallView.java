package io.callingboxgateway.calls;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.time.Instant;

/**
 * A reconciled call as internal consumers see it: the CallingBox call object, spelled exactly as the
 * CallingBox docs spell it, plus the gateway's own {@code reconciliation} facts.
 */
public record CallView(@JsonUnwrapped CallSnapshot call, Reconciliation reconciliation) {

    /**
     * What the gateway itself knows about a call. {@code result_expected} is false once a call has
     * ended without a conversation: CallingBox then leaves {@code result_status} pending forever, and
     * consumers should not wait for it.
     */
    public record Reconciliation(
            String firstSeenVia,
            Instant firstSeenAt,
            Instant lastWebhookAt,
            Instant lastPolledAt,
            boolean resultExpected) {}

    public static CallView of(Call call) {
        CallSnapshot snapshot = call.snapshot();
        return new CallView(
                snapshot,
                new Reconciliation(
                        call.firstSeenVia,
                        call.firstSeenAt,
                        call.lastWebhookAt,
                        call.lastPolledAt,
                        CallLifecycle.resultExpected(snapshot)));
    }
}
