-- Exhausted webhook deliveries the poller asked CallingBox to redeliver, so it asks once per delivery
-- instead of every poll.
CREATE TABLE webhook_redelivery (
    delivery_id   uuid        PRIMARY KEY,
    call_id       uuid,
    event_type    text,
    -- 'requested', or 'unknown' when CallingBox answered 404 to the redeliver request
    outcome       text        NOT NULL,
    requested_at  timestamptz NOT NULL
);
CREATE INDEX webhook_redelivery_requested_idx ON webhook_redelivery (requested_at);
