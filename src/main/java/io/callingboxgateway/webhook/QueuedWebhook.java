package io.callingboxgateway.webhook;

import io.opentelemetry.context.Context;
import java.util.concurrent.CompletableFuture;

/**
 * A verified webhook waiting for a committer, with the trace of the request that brought it and the
 * answer that request is waiting for: completed only once the transaction holding the webhook has
 * committed, or with the failure that kept it out.
 */
record QueuedWebhook(WebhookEnvelope envelope, Context trace, CompletableFuture<WebhookAck> answer) {

    static QueuedWebhook of(WebhookEnvelope envelope) {
        return new QueuedWebhook(envelope, Context.current(), new CompletableFuture<>());
    }
}
