-- The event log (transactional outbox): one row per accepted change, written in the transaction
-- that changed the call.
--
-- Ids come from event_sequence, a single counter row that every writer updates as the last step
-- before commit. Its row lock is held until commit, so ids are handed out in commit order and
-- without gaps: once a reader has seen id 11, no transaction can still commit id 10. That is what
-- lets the feed hand out "everything after my cursor" without ever skipping a late commit.
CREATE TABLE event_sequence (
    singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    last_id    bigint  NOT NULL
);
INSERT INTO event_sequence (singleton, last_id) VALUES (true, 0);

CREATE TABLE call_event (
    id                 bigint      PRIMARY KEY,
    call_id            uuid        NOT NULL,
    call_seq           integer     NOT NULL,
    type               text        NOT NULL,
    source             text        NOT NULL CHECK (source IN ('webhook', 'poll', 'backfill')),
    upstream_event_id  uuid,
    missed_webhook     boolean     NOT NULL DEFAULT false,
    status_conflict    boolean     NOT NULL DEFAULT false,
    changes            jsonb       NOT NULL,
    call               jsonb       NOT NULL,
    occurred_at        timestamptz NOT NULL DEFAULT now(),
    UNIQUE (call_id, call_seq)
);
CREATE INDEX call_event_type_idx ON call_event (type, id);
CREATE INDEX call_event_occurred_idx ON call_event (occurred_at);

-- Webhook deduplication: the envelope id of every webhook applied, kept well past CallingBox's
-- ~42 h retry span.
CREATE TABLE webhook_receipt (
    event_id     uuid        PRIMARY KEY,
    call_id      uuid        NOT NULL,
    type         text        NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_receipt_received_idx ON webhook_receipt (received_at);

-- Every snapshot the reconciler judged, applied or not: the answer to "why is this call in this
-- state?". Unlike call_event it also records ignored snapshots (stale, duplicate).
CREATE TABLE call_decision (
    id                 bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    call_id            uuid        NOT NULL,
    source             text        NOT NULL,
    upstream_event_id  uuid,
    outcome            text        NOT NULL,
    changed_fields     text[]      NOT NULL,
    snapshot_status    text,
    snapshot_updated_at timestamptz,
    first_event_id     bigint,
    decided_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX call_decision_call_idx ON call_decision (call_id, id);
CREATE INDEX call_decision_decided_idx ON call_decision (decided_at);
