-- API keys for the internal API (docs/decisions/0050-api-keys.md).
--
-- Only the SHA-256 of a key is stored: the key itself (gwk_ + 256 random bits) is shown once, when
-- it is created. Every request looks its hash up here, so a deleted key fails at once on every
-- replica; there is no cache to outlive a revocation.
CREATE TABLE api_key (
    id            uuid        PRIMARY KEY,
    name          text        NOT NULL,
    -- scope names as the API spells them, e.g. {'calls:read','events:read'}
    scopes        text[]      NOT NULL,
    key_hash      bytea       NOT NULL UNIQUE,
    created_at    timestamptz NOT NULL,
    -- written at most about once a minute per key, so reads stay reads
    last_used_at  timestamptz
);
