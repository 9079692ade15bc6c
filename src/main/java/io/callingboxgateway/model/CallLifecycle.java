package io.callingboxgateway.model;

import java.util.Set;

/** What CallingBox's documented statuses mean for the life of a call. */
public final class CallLifecycle {

    private static final Set<String> TERMINAL_STATUSES = Set.of("completed", "no_answer", "busy", "canceled", "failed");
    private static final Set<String> FINAL_RESULT_STATUSES = Set.of("completed", "failed");

    private CallLifecycle() {}

    // Set.of(...).contains(null) throws: CallingBox may leave any of these fields out.
    public static boolean isTerminal(String status) {
        return status != null && TERMINAL_STATUSES.contains(status);
    }

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
        return "completed".equals(call.status()) && call.answeredAt() != null && !"machine".equals(call.answeredBy());
    }

    /**
     * Whether CallingBox may still change the call in a way consumers care about: it has not ended, or
     * it ended after a conversation and its result is not in yet, or its inline webhook is still
     * pending.
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
        return call.webhookUrl() != null && "completed".equals(call.status()) && "pending".equals(call.webhookStatus());
    }
}
