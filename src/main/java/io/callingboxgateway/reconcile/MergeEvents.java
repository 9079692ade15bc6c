package io.callingboxgateway.reconcile;

import io.callingboxgateway.model.CallField;
import io.callingboxgateway.model.CallLifecycle;
import io.callingboxgateway.reconcile.CallMerge.Change;
import io.callingboxgateway.reconcile.CallMerge.Outcome;
import io.callingboxgateway.reconcile.CallMerge.Result;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a merge means for the event log, decided without a database: which events one merge's
 * changes become, and whether they are news a webhook would have carried. Pure, like {@link CallMerge}.
 */
final class MergeEvents {

    private MergeEvents() {}

    /**
     * Splits one merge's changes into events, each change in exactly one: the result fields become
     * {@code call.result_ready} when the result arrived, the webhook fields
     * {@code call.webhook_status_changed} when that status moved, and all else one
     * {@code call.created}, {@code call.status_changed} or {@code call.updated}.
     *
     * @return the changes of each event by event type, in the order the events are written
     */
    static Map<String, Map<String, Change>> of(Result result) {
        Map<String, Change> main = new LinkedHashMap<>();
        Map<String, Change> resultFields = new LinkedHashMap<>();
        Map<String, Change> webhookFields = new LinkedHashMap<>();
        for (CallField field : CallField.values()) {
            Change change = result.changes().get(field.wireName());
            if (change != null) {
                switch (field.group()) {
                    case MAIN -> main.put(field.wireName(), change);
                    case RESULT -> resultFields.put(field.wireName(), change);
                    case WEBHOOK -> webhookFields.put(field.wireName(), change);
                }
            }
        }
        boolean created = result.outcome() == Outcome.CREATED;
        boolean resultReady = resultFields.containsKey(CallField.RESULT_STATUS.wireName())
                && CallLifecycle.isFinalResult(result.next().call().resultStatus());
        boolean webhookMoved = !created && webhookFields.containsKey(CallField.WEBHOOK_STATUS.wireName());
        if (!resultReady) {
            main.putAll(resultFields);
        }
        if (!webhookMoved) {
            main.putAll(webhookFields);
        }

        Map<String, Map<String, Change>> events = new LinkedHashMap<>();
        if (!main.isEmpty()) {
            String type = created
                    ? CallEvent.CREATED
                    : main.containsKey(CallField.STATUS.wireName()) ? CallEvent.STATUS_CHANGED : CallEvent.UPDATED;
            events.put(type, main);
        }
        if (resultReady) {
            events.put(CallEvent.RESULT_READY, resultFields);
        }
        if (webhookMoved) {
            events.put(CallEvent.WEBHOOK_STATUS_CHANGED, webhookFields);
        }
        return events;
    }

    /** Changes a webhook would have announced: a new status or an arrived result. */
    static boolean reportsProgress(Result result) {
        return result.outcome() == Outcome.CREATED
                || result.changes().containsKey(CallField.STATUS.wireName())
                || result.changes().containsKey(CallField.RESULT_STATUS.wireName());
    }

    /**
     * The change set as the decision log's {@code changed_fields} text array literal: wire names are
     * plain snake_case, so none needs quoting.
     */
    static String changedFields(Result result) {
        return "{" + String.join(",", result.changes().keySet()) + "}";
    }
}
