package io.callingboxgateway.webhook;

import io.callingboxgateway.reconcile.CallMerge.Outcome;

/**
 * The answer to an accepted webhook, sent only after its effect committed.
 *
 * @param duplicate true when this event id had been received before: a redelivery, changing nothing
 * @param outcome what the reconciler made of the call ({@code created}, {@code applied},
 *     {@code duplicate}, {@code stale}), or {@code already_received} for a redelivery
 */
public record WebhookAck(boolean received, boolean duplicate, String outcome) {

    static WebhookAck applied(Outcome outcome) {
        return new WebhookAck(true, false, outcome.name().toLowerCase(java.util.Locale.ROOT));
    }

    static WebhookAck redelivery() {
        return new WebhookAck(true, true, "already_received");
    }
}
