package io.callingboxgateway.testing;

import static io.callingboxgateway.testing.TestInstants.T0;

import com.fasterxml.jackson.databind.JsonNode;
import io.callingboxgateway.calls.CallSnapshot;
import java.time.Instant;
import java.util.UUID;

/** A plain outbound CallingBox call object, varied only in what the event and push tests care about. */
public final class CallSnapshots {

    private CallSnapshots() {}

    public static CallSnapshot of(
            UUID id, String status, String resultStatus, JsonNode result, String webhookStatus, Instant updatedAt) {
        return new CallSnapshot(
                id,
                null,
                "+15551230001",
                "+15551230002",
                status,
                "outbound",
                null,
                null,
                null,
                null,
                null,
                null,
                result,
                resultStatus,
                null,
                "en",
                null,
                webhookStatus,
                null,
                T0.minusSeconds(30),
                null,
                null,
                null,
                null,
                null,
                null,
                "reserved",
                null,
                null,
                null,
                null,
                updatedAt,
                null);
    }
}
