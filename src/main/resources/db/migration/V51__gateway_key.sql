-- Keys the gateway generates once and keeps here, so every replica uses the same one (the cursor MAC key
-- and, when no key is configured, the key that encrypts subscription signing secrets).
CREATE TABLE gateway_key (
    name text PRIMARY KEY,
    secret bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
