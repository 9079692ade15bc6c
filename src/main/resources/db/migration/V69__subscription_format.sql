-- How pushes are written: 'gateway' (the gateway's own event JSON, as every push was before) or
-- 'cloudevents' (one CloudEvent 1.0 per request, structured mode). Existing subscriptions keep theirs.
ALTER TABLE subscription ADD COLUMN format text NOT NULL DEFAULT 'gateway'
    CONSTRAINT subscription_format_known CHECK (format IN ('gateway', 'cloudevents'));
