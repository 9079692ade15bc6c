-- Pushes carry phone numbers and conversation content unmasked only for a subscription created with
-- include_personal_data by a credential holding pii:read. Existing subscriptions get masked payloads.
ALTER TABLE subscription ADD COLUMN include_personal_data boolean NOT NULL DEFAULT false;
