-- Subscriptions that filter on the call, and replays of a window of events that leave the live
-- position alone (issue 15).
ALTER TABLE subscription
    -- Conditions on the call as it stood right after each event, keyed as the query parameters of
    -- GET /events ({"status": ["completed"], "metadata.team": "billing"}); {} lets every call pass.
    -- Events whose call does not pass are passed over like events of unwanted types.
    ADD COLUMN filter jsonb NOT NULL DEFAULT '{}',
    -- A replay asked for with POST /subscriptions/{id}/replay: the events in (replay_after,
    -- replay_through] that pass the subscription's types and filter and whose occurred_at lies in
    -- [replay_since, replay_until) (either open when null) are posted again in order, marked as a
    -- replay, by whoever holds the delivery lease, once the live line has caught up. replay_through
    -- is the head when the replay was asked for, and null when no replay is waiting. position (the
    -- live line) is never moved by a replay.
    ADD COLUMN replay_after bigint,
    ADD COLUMN replay_through bigint,
    ADD COLUMN replay_since timestamptz,
    ADD COLUMN replay_until timestamptz,
    -- failed attempts on the replay's next event; the replay is given up after max-attempts of them
    ADD COLUMN replay_attempts integer NOT NULL DEFAULT 0;
