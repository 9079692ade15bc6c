package io.callingboxgateway.upstream;

import static io.callingboxgateway.model.CallField.*;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.callingboxgateway.model.CallSnapshot;
import io.callingboxgateway.testing.CallBuilder;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.persistence.EntityManager;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Named test calls as CallingBox would send them, and a clean slate for the poller's tables. */
public final class UpstreamFixtures {

    private UpstreamFixtures() {}

    /** A call in progress: no end, no result yet. */
    public static CallSnapshot inProgress(UUID id, Instant created) {
        return call(id, "in_progress", created, created.plusSeconds(30), null, "pending", null);
    }

    public static CallSnapshot ringing(UUID id, Instant created) {
        return call(id, "ringing", created, created.plusSeconds(5), null, "pending", null);
    }

    /** A finished conversation with its result: settled. */
    public static CallSnapshot completed(UUID id, Instant created) {
        return call(id, "completed", created, created.plusSeconds(200), created.plusSeconds(10), "completed", true);
    }

    public static CallSnapshot call(
            UUID id,
            String status,
            Instant created,
            Instant updated,
            Instant answered,
            String resultStatus,
            Boolean confirmed) {
        boolean ended =
                !List.of("queued", "initiated", "ringing", "in_progress").contains(status);
        return CallBuilder.blank(id)
                .set(AGENT_ID, UUID.fromString("5b0f6a9e-2f43-4c8e-9d55-0a7f3c2b1e10"))
                .set(TO_NUMBER, "+15550100200")
                .set(FROM_NUMBER, "+15550001111")
                .set(STATUS, status)
                .set(DIRECTION, "outbound")
                .set(ANSWERED_BY, answered == null ? null : "human")
                .set(PERSONA, "Riley")
                .set(INSTRUCTIONS, "Confirm the appointment")
                .set(RETURNS, JsonNodeFactory.instance.objectNode().put("confirmed", "boolean"))
                .set(
                        RESULT,
                        confirmed == null
                                ? null
                                : JsonNodeFactory.instance.objectNode().put("confirmed", confirmed))
                .set(RESULT_STATUS, resultStatus)
                .set(LANGUAGE, "en")
                .set(WEBHOOK_STATUS, "delivered")
                .set(CREATED_AT, created)
                .set(STARTED_AT, created.plusSeconds(2))
                .set(ANSWERED_AT, answered)
                .set(ENDED_AT, ended ? updated : null)
                .set(DURATION_SECONDS, ended ? 95 : null)
                .set(RESERVATION_STATUS, "reserved")
                .set(UPDATED_AT, updated)
                .build();
    }

    public static String json(ObjectMapper mapper, Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Empties the store and the poller's state, as if the gateway had just been installed. */
    public static void emptyStore(EntityManager em) {
        QuarkusTransaction.requiringNew().run(() -> {
            for (String sql : List.of(
                    "delete from call",
                    "delete from call_event",
                    "delete from call_decision",
                    "delete from call_refresh",
                    "delete from webhook_redelivery",
                    "update poller_lease set owner = null, expires_at = '-infinity', high_water_mark = null,"
                            + " last_complete_scan_at = null, last_success_at = null")) {
                em.createNativeQuery(sql).executeUpdate();
            }
        });
    }
}
