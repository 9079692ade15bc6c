package io.callingboxgateway.testing;

import static io.callingboxgateway.model.CallField.*;
import static io.callingboxgateway.testing.TestInstants.T0;

import com.fasterxml.jackson.databind.JsonNode;
import io.callingboxgateway.model.CallSnapshot;
import java.time.Instant;
import java.util.UUID;

/** A plain outbound CallingBox call object, varied only in what the event and push tests care about. */
public final class CallSnapshots {

    private CallSnapshots() {}

    public static CallSnapshot of(
            UUID id, String status, String resultStatus, JsonNode result, String webhookStatus, Instant updatedAt) {
        return CallBuilder.blank(id)
                .set(TO_NUMBER, "+15551230001")
                .set(FROM_NUMBER, "+15551230002")
                .set(STATUS, status)
                .set(DIRECTION, "outbound")
                .set(RESULT, result)
                .set(RESULT_STATUS, resultStatus)
                .set(LANGUAGE, "en")
                .set(WEBHOOK_STATUS, webhookStatus)
                .set(CREATED_AT, T0.minusSeconds(30))
                .set(RESERVATION_STATUS, "reserved")
                .set(UPDATED_AT, updatedAt)
                .build();
    }
}
