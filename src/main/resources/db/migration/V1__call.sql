-- The reconciled store of CallingBox calls: every field of the upstream call object, plus the
-- gateway's own bookkeeping. Enumerations are text, not PostgreSQL enums or CHECKs, so a value
-- CallingBox adds tomorrow is stored instead of rejected.
CREATE TABLE call (
    id                          uuid        PRIMARY KEY,
    agent_id                    uuid,
    to_number                   text        NOT NULL,
    from_number                 text        NOT NULL,
    status                      text        NOT NULL,
    direction                   text        NOT NULL,
    answered_by                 text,
    persona                     text,
    instructions                text,
    prompt                      text,
    context                     jsonb,
    returns                     jsonb,
    result                      jsonb,
    result_status               text,
    result_error                text,
    language                    text,
    webhook_url                 text,
    webhook_status              text,
    webhook_error               text,
    created_at                  timestamptz NOT NULL,
    started_at                  timestamptz,
    answered_at                 timestamptz,
    ended_at                    timestamptz,
    duration_seconds            integer,
    billed_duration_seconds     integer,
    billing_amount_milli_cents  bigint,
    reservation_status          text,
    error_code                  text,
    error_message               text,
    hangup_cause                text,
    metadata                    jsonb,
    updated_at                  timestamptz,

    -- gateway bookkeeping
    first_seen_at               timestamptz NOT NULL DEFAULT now(),
    first_seen_via              text        NOT NULL CHECK (first_seen_via IN ('webhook', 'poll')),
    last_webhook_at             timestamptz,
    last_polled_at              timestamptz,
    -- upstream updated_at of the snapshots that set the result and webhook fields: the merge needs
    -- them to stay independent of arrival order (see reconcile/CallMerge)
    result_updated_at           timestamptz,
    webhook_updated_at          timestamptz,
    last_event_seq              integer     NOT NULL DEFAULT 0,
    version                     bigint      NOT NULL DEFAULT 0
);

-- Keyset order of GET /calls: newest first by (created_at, id). Every filter index ends in the
-- same two columns so a filtered page is one index range scan, however deep the cursor.
CREATE INDEX call_created_idx        ON call (created_at, id);
CREATE INDEX call_status_idx         ON call (status, created_at, id);
CREATE INDEX call_agent_idx          ON call (agent_id, created_at, id);
CREATE INDEX call_to_number_idx      ON call (to_number, created_at, id);
CREATE INDEX call_from_number_idx    ON call (from_number, created_at, id);
CREATE INDEX call_result_status_idx  ON call (result_status, created_at, id);
CREATE INDEX call_webhook_status_idx ON call (webhook_status, created_at, id);
CREATE INDEX call_updated_idx        ON call (updated_at);
