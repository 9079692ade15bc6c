-- Erasure on request (POST /erasures, privacy/erasure).
--
-- The audit record of each request. It never holds the phone number asked about: only an HMAC-SHA256
-- of it under a key the gateway keeps (number_hash_key names which: 'configured', derived from
-- GATEWAY_SECRETS_KEY, or 'stored', the key generated once into gateway_key), so that a repeated
-- request for the same number can be recognised while the table alone cannot tell the number.
CREATE TABLE erasure (
    id              uuid        PRIMARY KEY,
    -- list order and cursor of GET /erasures, newest first
    seq             bigint      GENERATED ALWAYS AS IDENTITY UNIQUE,
    kind            text        NOT NULL CHECK (kind IN ('phone_number', 'call_id')),
    number_hash     text,
    number_hash_key text,
    call_id         uuid,
    -- the first earlier request for the same number (under either key) or the same call, if any
    repeat_of       uuid,
    calls           integer     NOT NULL,
    events          integer     NOT NULL,
    decisions       integer     NOT NULL,
    receipts        integer     NOT NULL,
    transcripts     integer     NOT NULL,
    deliveries      integer     NOT NULL,
    requested_at    timestamptz NOT NULL,
    completed_at    timestamptz NOT NULL,
    -- the credential's name (admin-key, api-key:<id>, an OIDC subject, dev-mode); never a key
    requested_by    text,
    CHECK ((kind = 'phone_number') = (number_hash IS NOT NULL AND call_id IS NULL))
);
CREATE INDEX erasure_number_hash_idx ON erasure (number_hash) WHERE number_hash IS NOT NULL;
CREATE INDEX erasure_call_idx ON erasure (call_id) WHERE call_id IS NOT NULL;

-- Every call erased, by id only: a poll or webhook that brings one back later has it stored without
-- personal data (privacy/erasure/ErasedCallRule), so its transcript is never fetched again.
CREATE TABLE erased_call (
    call_id    uuid        PRIMARY KEY,
    erased_at  timestamptz NOT NULL
);

-- call.erased is written by the erasure, not by a webhook or poll. NOT VALID: every existing row passed
-- the stricter check already, and a large event log is not scanned at upgrade.
ALTER TABLE call_event DROP CONSTRAINT call_event_source_check;
ALTER TABLE call_event ADD CONSTRAINT call_event_source_check
    CHECK (source IN ('webhook', 'poll', 'backfill', 'erasure')) NOT VALID;
