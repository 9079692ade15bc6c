-- The CallingBox poller's own state. The call table stays the reconciler's; the poller only reads it.

-- One row per poller (today one: 'callingbox'). A replica polls only while it holds the lease: it
-- takes the row with UPDATE ... WHERE expires_at < now() OR owner = me, and renews it as it works; a
-- dead replica's lease simply expires. The row also remembers where discovery got to.
CREATE TABLE poller_lease (
    name                   text        PRIMARY KEY,
    owner                  text,
    expires_at             timestamptz NOT NULL DEFAULT '-infinity',
    -- created_at of the newest call seen by the last complete scan of GET /v1/calls
    high_water_mark        timestamptz,
    last_complete_scan_at  timestamptz,
    last_success_at        timestamptz
);
INSERT INTO poller_lease (name) VALUES ('callingbox');

-- When to re-read each unsettled call with GET /v1/calls/{id}. The delay doubles with every read that
-- changed nothing (never with the call's age) up to a cap; a call CallingBox no longer knows is
-- marked missing and left alone.
CREATE TABLE call_refresh (
    call_id          uuid        PRIMARY KEY,
    next_refresh_at  timestamptz NOT NULL,
    unchanged_reads  integer     NOT NULL DEFAULT 0,
    last_read_at     timestamptz,
    missing_at       timestamptz
);
CREATE INDEX call_refresh_due_idx ON call_refresh (next_refresh_at) WHERE missing_at IS NULL;

-- Calls CallingBox may still change (calls/CallLifecycle.isSettled, negated): the refresh schedule and
-- the stuck-calls gauge read only these, however many settled calls the store holds.
CREATE INDEX call_unsettled_idx ON call (created_at)
    WHERE status NOT IN ('completed', 'no_answer', 'busy', 'canceled', 'failed')
       OR (status = 'completed'
           AND result_status IS DISTINCT FROM 'completed' AND result_status IS DISTINCT FROM 'failed'
           AND answered_at IS NOT NULL AND answered_by IS DISTINCT FROM 'machine');
