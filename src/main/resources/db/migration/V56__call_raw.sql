-- The call object exactly as CallingBox sent it in the newest snapshot that won the merge
-- (docs/decisions/0056-tolerant-call-binding.md): fields CallingBox added after this gateway was built,
-- and values bound as null because their shape did not fit, are served from it. Null for calls stored
-- before this column existed, until their next snapshot.
ALTER TABLE call ADD COLUMN raw jsonb;
