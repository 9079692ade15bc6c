-- A completed call whose inline webhook (webhook_url) is still pending is not settled either:
-- CallingBox moves its webhook_status to delivered or failed after the call's last event, and only a
-- re-read of the call shows it (upstream/poll/RefreshSchedule.UNSETTLED, CallLifecycle.isSettled).
-- The partial index follows the predicate, or the refresh schedule's queries could no longer use it.
DROP INDEX call_unsettled_idx;
CREATE INDEX call_unsettled_idx ON call (created_at)
    WHERE status NOT IN ('completed', 'no_answer', 'busy', 'canceled', 'failed')
       OR (status = 'completed'
           AND result_status IS DISTINCT FROM 'completed' AND result_status IS DISTINCT FROM 'failed'
           AND answered_at IS NOT NULL AND answered_by IS DISTINCT FROM 'machine')
       OR (status = 'completed' AND webhook_url IS NOT NULL AND webhook_status = 'pending');
