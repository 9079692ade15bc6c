package io.callingboxgateway.events;

import io.callingboxgateway.database.Timestamps;
import io.callingboxgateway.reconcile.Call;
import io.callingboxgateway.reconcile.CallEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
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

    /**
     * One page of a call's decision log, oldest first, after the decision a cursor names.
     *
     * @param afterDecision the {@code next_cursor} of the previous page (a decision's id), or 0
     */
    public Optional<CallHistory> of(UUID callId, long afterDecision, int limit) {
        if (em.find(Call.class, callId) == null) {
            return Optional.empty();
        }
        @SuppressWarnings("unchecked")
        List<Object[]> fetched = em.createNativeQuery("""
                        select decided_at, source, upstream_event_id, outcome, snapshot_status,
                               snapshot_updated_at, changed_fields, first_event_seq, id
                        from call_decision where call_id = :callId and id > :after order by id limit :limit
                        """)
                .setParameter("callId", callId)
                .setParameter("after", afterDecision)
                .setParameter("limit", limit + 1)
                .getResultList();
        boolean hasMore = fetched.size() > limit;
        List<Object[]> rows = hasMore ? fetched.subList(0, limit) : fetched;
        long pageEnd = rows.isEmpty() ? afterDecision : ((Number) rows.get(rows.size() - 1)[8]).longValue();
        // The events of the page's last decision end where the next event-producing decision's start,
        // which may lie beyond the page. Decisions name their events by call_seq (known when written;
        // the feed id is given after commit), which orders a call's events as their ids do.
        Number beyond = (Number) em.createNativeQuery("""
                        select min(first_event_seq) from call_decision
                        where call_id = :callId and id > :after and first_event_seq is not null
                        """)
                .setParameter("callId", callId)
                .setParameter("after", pageEnd)
                .getSingleResult();
        long boundary = beyond == null ? Long.MAX_VALUE : beyond.longValue();
        Long firstOfPage = rows.stream()
                .map(CallHistoryService::firstEventSeq)
                .filter(java.util.Objects::nonNull)
                .findFirst()
                .orElse(null);
        List<CallEvent> events = firstOfPage == null
                ? List.of()
                : CallEvent.list(
                        "callId = ?1 and callSeq >= ?2 and callSeq < ?3 and id is not null order by callSeq",
                        callId,
                        firstOfPage.intValue(),
                        (int) Math.min(boundary, Integer.MAX_VALUE));
        List<CallHistory.Decision> decisions = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            Object[] row = rows.get(i);
            Long firstEventSeq = firstEventSeq(row);
            String outcome = (String) row[3];
            decisions.add(new CallHistory.Decision(
                    Timestamps.instant(row[0]),
                    (String) row[1],
                    (UUID) row[2],
                    outcome,
                    reason(outcome),
                    (String) row[4],
                    Timestamps.instant(row[5]),
                    Arrays.asList((String[]) row[6]),
                    firstEventSeq == null
                            ? List.of()
                            : producedBy(firstEventSeq, nextFirstEventSeq(rows, i, boundary), events)));
        }
        return Optional.of(new CallHistory(decisions, hasMore, hasMore ? Long.toString(pageEnd) : null));
    }

    private static Long firstEventSeq(Object[] row) {
        return row[7] == null ? null : ((Number) row[7]).longValue();
    }

    /** Where the events of the call's next event-producing decision start (they may follow at once). */
    private static long nextFirstEventSeq(List<Object[]> rows, int index, long boundary) {
        for (int i = index + 1; i < rows.size(); i++) {
            Long next = firstEventSeq(rows.get(i));
            if (next != null) {
                return next;
            }
        }
        return boundary;
    }

    /**
     * The events of one decision are consecutive in the call's history and end before the next
     * decision's first event; one not numbered yet (milliseconds after commit) ends the list early.
     * Positions here are call_seq values.
     */
    private static List<CallHistory.Change> producedBy(
            long firstEventSeq, long nextFirstEventSeq, List<CallEvent> events) {
        List<CallHistory.Change> produced = new ArrayList<>();
        long expected = firstEventSeq;
        for (CallEvent event : events) {
            if (event.callSeq == expected && event.callSeq < nextFirstEventSeq) {
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
}
