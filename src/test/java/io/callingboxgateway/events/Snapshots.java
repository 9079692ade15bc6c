package io.callingboxgateway.events;

import static io.callingboxgateway.testing.TestInstants.T0;

import com.fasterxml.jackson.databind.JsonNode;
import io.callingboxgateway.model.CallSnapshot;
import io.callingboxgateway.testing.CallSnapshots;
import java.time.Instant;
import java.util.UUID;

/** Named CallingBox call objects for the event tests: one call moving through its life. */
final class Snapshots {

    private Snapshots() {}

    static CallSnapshot ringing(UUID id) {
        return of(id, "ringing", "pending", null, "pending", T0);
    }

    static CallSnapshot inProgress(UUID id) {
        return of(id, "in_progress", "pending", null, "pending", T0.plusSeconds(10));
    }

    /** Ended after a conversation with its result in: a status change and a result in one snapshot. */
    static CallSnapshot completedWithResult(UUID id, JsonNode result) {
        return of(id, "completed", "completed", result, "pending", T0.plusSeconds(60));
    }

    /** The webhook for the completed call was delivered: only the webhook axis moves. */
    static CallSnapshot webhookDelivered(UUID id, JsonNode result) {
        return of(id, "completed", "completed", result, "delivered", T0.plusSeconds(61));
    }

    /** A snapshot older than everything above on every axis. */
    static CallSnapshot queuedEarlier(UUID id) {
        return of(id, "queued", "pending", null, "pending", T0.minusSeconds(5));
    }

    static CallSnapshot of(
            UUID id, String status, String resultStatus, JsonNode result, String webhookStatus, Instant updatedAt) {
        return CallSnapshots.of(id, status, resultStatus, result, webhookStatus, updatedAt);
    }
}
