package io.callingboxgateway.model;

import java.util.Set;

/** What CallingBox's documented statuses mean for the life of a call. */
public final class CallLifecycle {

    private static final Set<String> FINAL_RESULT_STATUSES = Set.of("completed", "failed");

    private CallLifecycle() {}

    public static boolean isTerminal(String status) {
        return CallStatus.isTerminal(status);
    }

    // Set.of(...).contains(null) throws: CallingBox may leave the field out.
    public static boolean isFinalResult(String resultStatus) {
        return resultStatus != null && FINAL_RESULT_STATUSES.contains(resultStatus);
    }

    /**
     * Whether a result may still arrive or has arrived. CallingBox runs extraction only after a real
     * conversation: a call that ended unanswered, busy, canceled, failed or on voicemail keeps
     * {@code result_status: pending} forever.
     */
    public static boolean resultExpected(CallSnapshot call) {
        if (isFinalResult(call.resultStatus())) {
            return true;
        }
        if (!isTerminal(call.status())) {
            return true;
        }
        return CallStatus.COMPLETED.wireName().equals(call.status())
                && call.answeredAt() != null
                && !"machine".equals(call.answeredBy());
    }

    /**
     * Whether CallingBox will change the call no more in a way consumers care about: it has ended, its
     * result is in or will never come, and no inline webhook is pending. Its negation is the refresh
     * schedule's {@code UNSETTLED} and the {@code call_unsettled_idx} predicate in SQL; a test holds the
     * three to the same answers over generated calls.
     */
    public static boolean isSettled(CallSnapshot call) {
        return isTerminal(call.status())
                && (isFinalResult(call.resultStatus()) || !resultExpected(call))
                && !inlineWebhookPending(call);
    }

    /**
     * {@code webhook_status} sums up the inline delivery of call.completed, which only a completed call
     * sends: CallingBox moves it to delivered or failed after the call's last event, and no webhook
     * says so. Any other call keeps it pending forever.
     */
    private static boolean inlineWebhookPending(CallSnapshot call) {
        return call.webhookUrl() != null
                && CallStatus.COMPLETED.wireName().equals(call.status())
                && "pending".equals(call.webhookStatus());
    }
}
