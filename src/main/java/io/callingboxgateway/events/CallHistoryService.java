package io.callingboxgateway.events;

import io.callingboxgateway.calls.Call;
import io.callingboxgateway.reconcile.CallEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

@ApplicationScoped
@Transactional(Transactional.TxType.SUPPORTS)
public class CallHistoryService {

    private final EntityManager em;

    CallHistoryService(EntityManager em) {
        this.em = em;
    }

    public Optional<CallHistory> of(UUID callId) {
        if (em.find(Call.class, callId) == null) {
            return Optional.empty();
        }
        List<CallEvent> events = CallEvent.list("callId = ?1 order by id", callId);
        @SuppressWarnings("unchecked")
        List<Object[]> rows =
                em.createNativeQuery("""
                        select decided_at, source, upstream_event_id, outcome, snapshot_status,
                               snapshot_updated_at, changed_fields, first_event_id
                        from call_decision where call_id = :callId order by id
                        """).setParameter("callId", callId).getResultList();
        List<CallHistory.Decision> decisions = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            Object[] row = rows.get(i);
            Long firstEventId = firstEventId(row);
            String outcome = (String) row[3];
            decisions.add(new CallHistory.Decision(
                    instant(row[0]),
                    (String) row[1],
                    (UUID) row[2],
                    outcome,
                    reason(outcome),
                    (String) row[4],
                    instant(row[5]),
                    Arrays.asList((String[]) row[6]),
                    firstEventId == null ? List.of() : producedBy(firstEventId, nextFirstEventId(rows, i), events)));
        }
        return Optional.of(new CallHistory(decisions));
    }

    private static Long firstEventId(Object[] row) {
        return row[7] == null ? null : ((Number) row[7]).longValue();
    }

    /** Where the events of the call's next event-producing decision start (they may follow at once). */
    private static long nextFirstEventId(List<Object[]> rows, int index) {
        for (int i = index + 1; i < rows.size(); i++) {
            Long next = firstEventId(rows.get(i));
            if (next != null) {
                return next;
            }
        }
        return Long.MAX_VALUE;
    }

    /**
     * The events of one decision are consecutive (they were numbered in one step) and end before the
     * next decision's first event.
     */
    private static List<CallHistory.Change> producedBy(
            long firstEventId, long nextFirstEventId, List<CallEvent> events) {
        List<CallHistory.Change> produced = new ArrayList<>();
        long expected = firstEventId;
        for (CallEvent event : events) {
            if (event.id == expected && event.id < nextFirstEventId) {
                produced.add(new CallHistory.Change(event.id, event.type, event.changes));
                expected++;
            }
        }
        return produced;
    }

    private static String reason(String outcome) {
        return switch (outcome) {
            case "created" -> "first snapshot of this call";
            case "applied" -> "moved the call forward";
            case "duplicate" -> "identical to the stored call";
            case "stale" -> "older than what is stored on every axis (status, result, webhook status)";
            default -> outcome;
        };
    }

    private static Instant instant(Object value) {
        if (value == null) return null;
        if (value instanceof Instant instant) return instant;
        if (value instanceof Timestamp timestamp) return timestamp.toInstant();
        if (value instanceof java.time.OffsetDateTime odt) return odt.toInstant();
        throw new IllegalStateException("unexpected timestamp type " + value.getClass());
    }
}
