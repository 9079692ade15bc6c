-- Internal subscribers that receive events by signed HTTP push, and their delivery state.
--
-- Delivery state lives here, not in a replica's memory, so any replica can deliver and a crashed
-- one's work is taken over: a replica claims due rows with FOR UPDATE SKIP LOCKED and marks them
-- with a lease (lease_owner, lease_until); it posts outside any transaction and records each
-- outcome only while it still holds the lease. When it dies, the lease runs out and another
-- replica claims the row.
--
-- Each subscriber reads the commit-ordered, gap-free event log (V2) from its own position, one
-- event at a time, so it receives events in the log's order.
CREATE TABLE subscription (
    id                        uuid        PRIMARY KEY,
    url                       text        NOT NULL,
    -- call event types to push, or {'*'} for all
    event_types               text[]      NOT NULL,
    description               text,
    enabled                   boolean     NOT NULL DEFAULT true,
    -- The HMAC key must be readable to sign, so it is stored as issued (docs/decisions/0030).
    signing_secret            text        NOT NULL,
    -- the last event id handled: delivered, dead-lettered, or skipped because event_types excludes it
    position                  bigint      NOT NULL,
    -- failed attempts on the event after position (the head of the line)
    attempts                  integer     NOT NULL DEFAULT 0,
    next_attempt_at           timestamptz NOT NULL,
    lease_owner               text,
    lease_until               timestamptz,
    -- failed attempts since the last success, and events dead-lettered since the last success
    consecutive_failures      integer     NOT NULL DEFAULT 0,
    consecutive_dead_letters  integer     NOT NULL DEFAULT 0,
    last_error                text,
    last_response_status      integer,
    disabled_reason           text,
    disabled_at               timestamptz,
    created_at                timestamptz NOT NULL,
    updated_at                timestamptz NOT NULL,
    -- Bumped by every change through the API (edit, replay, enable). A delivery records its outcome
    -- only if the version it claimed is still current, so it never overwrites a replay's position
    -- or keeps posting to a URL that was just changed.
    version                   bigint      NOT NULL DEFAULT 0
);
CREATE INDEX subscription_due_idx ON subscription (next_attempt_at) WHERE enabled;

-- Events given up on after the configured number of attempts, so the subscriber's line moved on.
-- Replaying from before event_id sends them again.
CREATE TABLE dead_letter (
    subscription_id       uuid        NOT NULL REFERENCES subscription (id) ON DELETE CASCADE,
    event_id              bigint      NOT NULL,
    attempts              integer     NOT NULL,
    last_error            text        NOT NULL,
    last_response_status  integer,
    dead_at               timestamptz NOT NULL,
    PRIMARY KEY (subscription_id, event_id)
);
CREATE INDEX dead_letter_event_idx ON dead_letter (event_id);
