package io.callingboxgateway.nativeimage;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Registers for reflection, so the native image can bind them, the types that Jackson reads or writes
 * outside JAX-RS method signatures (Quarkus registers those by itself): the webhook body parsed by hand,
 * problem bodies, the refresh answer and a new API key built as {@code Response} entities, and the types nested in them. Kept in one place so
 * the feature packages need no native-image annotations; {@code NativeReadinessTest} finds such types
 * in the compiled code and fails when one is missing here.
 */
@RegisterForReflection(
        targets = {
            io.callingboxgateway.webhook.WebhookEnvelope.class,
            io.callingboxgateway.webhook.WebhookEnvelope.Data.class,
            io.callingboxgateway.problem.Problem.class,
            io.callingboxgateway.model.CallView.AsSent.class,
            // Built through its canonical constructor by CallField.assemble, read by its record components.
            io.callingboxgateway.model.CallSnapshot.class,
            io.callingboxgateway.upstream.poll.CallRefreshResource.Refreshed.class,
            io.callingboxgateway.security.CreatedApiKey.class,
            // GET /events answers one of these two (by ?format=), so its signature declares neither.
            io.callingboxgateway.events.EventPage.class,
            io.callingboxgateway.events.CloudEventPage.class,
        })
final class JsonTypes {
    private JsonTypes() {}
}
