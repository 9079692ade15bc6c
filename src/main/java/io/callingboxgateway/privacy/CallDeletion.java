package io.callingboxgateway.privacy;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Deletes calls with everything the gateway keeps about them, in the caller's transaction and under the
 * calls' locks: their events and the dead letters naming them (a subscriber's pending push of such an
 * event is simply never made: the feed reads id ranges, and a hole is a filtered-out event to it, so no
 * cursor is invalidated), decisions, webhook receipts, redelivery requests, refresh schedule,
 * transcript and transcript fetch, then the call rows.
 */
@ApplicationScoped
public class CallDeletion {

    /** What one deletion removed, table by table. */
    public record Deleted(int calls, int events, int decisions, int receipts, int transcripts, int deadLetters) {

        static final Deleted NONE = new Deleted(0, 0, 0, 0, 0, 0);

        Deleted plus(Deleted other) {
            return new Deleted(
                    calls + other.calls,
                    events + other.events,
                    decisions + other.decisions,
                    receipts + other.receipts,
                    transcripts + other.transcripts,
                    deadLetters + other.deadLetters);
        }
    }

    private final EntityManager em;

    CallDeletion(EntityManager em) {
        this.em = em;
    }

    /** The calls' locks must be held: the reconciler's, taken with {@code Reconciler.lockIfFree} or {@code erase}. */
    @Transactional(Transactional.TxType.MANDATORY)
    public Deleted delete(List<UUID> ids) {
        if (ids.isEmpty()) {
            return Deleted.NONE;
        }
        String array = ids.stream().map(UUID::toString).collect(Collectors.joining(",", "{", "}"));
        int deadLetters = run("""
                delete from dead_letter where event_id in (
                    select id from call_event where call_id = any(cast(:ids as uuid[])) and id is not null)
                """, array);
        int events = run("delete from call_event where call_id = any(cast(:ids as uuid[]))", array);
        int decisions = run("delete from call_decision where call_id = any(cast(:ids as uuid[]))", array);
        // webhook_receipt has no index on call_id: a call's receipts were written between its first sight
        // and its last webhook (same transactions), so the received_at index bounds the search; the hour
        // on each side absorbs skew between this replica's clock and the database's.
        int receipts = run("""
                delete from webhook_receipt r
                using (select min(first_seen_at) - interval '1 hour' as low,
                              max(greatest(first_seen_at, last_webhook_at)) + interval '1 hour' as high
                       from call where id = any(cast(:ids as uuid[]))) w
                where r.received_at between w.low and w.high and r.call_id = any(cast(:ids as uuid[]))
                """, array);
        receipts += run("delete from webhook_redelivery where call_id = any(cast(:ids as uuid[]))", array);
        run("delete from call_refresh where call_id = any(cast(:ids as uuid[]))", array);
        int transcripts = run("delete from call_transcript where call_id = any(cast(:ids as uuid[]))", array);
        run("delete from call_transcript_fetch where call_id = any(cast(:ids as uuid[]))", array);
        int calls = run("delete from call where id = any(cast(:ids as uuid[]))", array);
        return new Deleted(calls, events, decisions, receipts, transcripts, deadLetters);
    }

    private int run(String sql, String ids) {
        return em.createNativeQuery(sql).setParameter("ids", ids).executeUpdate();
    }
}
