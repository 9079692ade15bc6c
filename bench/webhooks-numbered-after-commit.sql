-- What one signed webhook costs in SQL with events numbered after commit (ADR 0063): the same two
-- webhooks as webhooks-equivalent.sql (today's per-webhook SQL before V64, the baseline), each
-- inserting its events with no id and without touching event_sequence. The numbering is
-- events-sequencer.sql, run beside it by a pgbench of one client, as one replica's sequencer thread:
--   pgbench -n -c 1 -j 1 -T 20 -f bench/events-sequencer.sql DB &
--   pgbench -n -c 8 -j 2 -T 20 -f bench/webhooks-numbered-after-commit.sql DB
-- Needs the schema after V64.
\set n random(1, 2000000000)
BEGIN;
INSERT INTO webhook_receipt (event_id, call_id, type, received_at)
  VALUES (md5(:n || 'e1')::uuid, md5(:n || 'c')::uuid, 'call.ringing', now()) ON CONFLICT (event_id) DO NOTHING;
SELECT pg_advisory_xact_lock(1128352844, :n);
SELECT * FROM call WHERE id = md5(:n || 'c')::uuid;
INSERT INTO call (id, agent_id, to_number, from_number, status, direction, result_status, webhook_status,
    reservation_status, language, metadata, context, created_at, updated_at, first_seen_at, first_seen_via,
    last_webhook_at, result_updated_at, webhook_updated_at, last_event_seq, version)
  VALUES (md5(:n || 'c')::uuid, '9d3b7c1e-2f4a-4b5c-8d6e-7f8091a2b3c4', '+15550100123', '+15550199000', 'ringing',
    'outbound', 'pending', 'pending', 'reserved', 'en', '{"bench": true}', '{}', now(), now(), now(), 'webhook',
    now(), now(), now(), 1, 0);
WITH events AS (
  INSERT INTO call_event (call_id, call_seq, type, source, upstream_event_id, missed_webhook, status_conflict,
      changes, call, occurred_at)
  SELECT md5(:n || 'c')::uuid, 0 + e.ord, e.event ->> 'type', 'webhook', md5(:n || 'e1')::uuid,
      false, false, e.event -> 'changes',
      '{"id":"0d6f3c1e-5b7a-4c2d-9e8f-1a2b3c4d5e6f","agent_id":"9d3b7c1e-2f4a-4b5c-8d6e-7f8091a2b3c4","to_number":"+15550100123","from_number":"+15550199000","status":"ringing","direction":"outbound","answered_by":null,"persona":null,"instructions":null,"prompt":null,"context":{},"returns":null,"result":null,"result_status":"pending","result_error":null,"language":"en","webhook_url":null,"webhook_status":"pending","webhook_error":null,"created_at":"2026-11-28T10:00:00Z","started_at":null,"answered_at":null,"ended_at":null,"duration_seconds":null,"billed_duration_seconds":null,"billing_amount_milli_cents":null,"reservation_status":"reserved","error_code":null,"error_message":null,"hangup_cause":null,"metadata":{"bench":true},"updated_at":"2026-11-28T10:00:00Z","reconciliation":{"first_seen_via":"webhook","first_seen_at":"2026-11-28T10:00:00.1Z","last_webhook_at":"2026-11-28T10:00:00.1Z","last_polled_at":null,"result_expected":true}}',
      now()
  FROM jsonb_array_elements('[{"type":"call.created","changes":{"id":{"before":null,"after":"0d6f3c1e-5b7a-4c2d-9e8f-1a2b3c4d5e6f"},"agent_id":{"before":null,"after":"9d3b7c1e-2f4a-4b5c-8d6e-7f8091a2b3c4"},"to_number":{"before":null,"after":"+15550100123"},"from_number":{"before":null,"after":"+15550199000"},"status":{"before":null,"after":"ringing"},"direction":{"before":null,"after":"outbound"},"context":{"before":null,"after":{}},"result_status":{"before":null,"after":"pending"},"language":{"before":null,"after":"en"},"webhook_status":{"before":null,"after":"pending"},"created_at":{"before":null,"after":"2026-11-28T10:00:00Z"},"reservation_status":{"before":null,"after":"reserved"},"metadata":{"before":null,"after":{"bench":true}},"updated_at":{"before":null,"after":"2026-11-28T10:00:00Z"}}}]'::jsonb) WITH ORDINALITY e (event, ord)
  ORDER BY e.ord)
INSERT INTO call_decision (call_id, source, upstream_event_id, outcome, changed_fields, snapshot_status,
    snapshot_updated_at, first_event_seq, decided_at)
  SELECT md5(:n || 'c')::uuid, 'webhook', md5(:n || 'e1')::uuid, 'created',
    '{id,agent_id,to_number,from_number,status,direction,context,result_status,language,webhook_status,created_at,reservation_status,metadata,updated_at}',
    'ringing', now(), 1, now();
COMMIT;
BEGIN;
INSERT INTO webhook_receipt (event_id, call_id, type, received_at)
  VALUES (md5(:n || 'e2')::uuid, md5(:n || 'c')::uuid, 'call.answered', now()) ON CONFLICT (event_id) DO NOTHING;
SELECT pg_advisory_xact_lock(1128352844, :n);
SELECT * FROM call WHERE id = md5(:n || 'c')::uuid;
UPDATE call SET status = 'in_progress', updated_at = now(), last_webhook_at = now(), last_event_seq = 2,
    version = version + 1
  WHERE id = md5(:n || 'c')::uuid AND version = 0;
WITH events AS (
  INSERT INTO call_event (call_id, call_seq, type, source, upstream_event_id, missed_webhook, status_conflict,
      changes, call, occurred_at)
  SELECT md5(:n || 'c')::uuid, 1 + e.ord, e.event ->> 'type', 'webhook', md5(:n || 'e2')::uuid,
      false, false, e.event -> 'changes',
      '{"id":"0d6f3c1e-5b7a-4c2d-9e8f-1a2b3c4d5e6f","agent_id":"9d3b7c1e-2f4a-4b5c-8d6e-7f8091a2b3c4","to_number":"+15550100123","from_number":"+15550199000","status":"in_progress","direction":"outbound","answered_by":null,"persona":null,"instructions":null,"prompt":null,"context":{},"returns":null,"result":null,"result_status":"pending","result_error":null,"language":"en","webhook_url":null,"webhook_status":"pending","webhook_error":null,"created_at":"2026-11-28T10:00:00Z","started_at":null,"answered_at":null,"ended_at":null,"duration_seconds":null,"billed_duration_seconds":null,"billing_amount_milli_cents":null,"reservation_status":"reserved","error_code":null,"error_message":null,"hangup_cause":null,"metadata":{"bench":true},"updated_at":"2026-11-28T10:00:09Z","reconciliation":{"first_seen_via":"webhook","first_seen_at":"2026-11-28T10:00:00.1Z","last_webhook_at":"2026-11-28T10:00:09.1Z","last_polled_at":null,"result_expected":true}}',
      now()
  FROM jsonb_array_elements('[{"type":"call.status_changed","changes":{"status":{"before":"ringing","after":"in_progress"},"updated_at":{"before":"2026-11-28T10:00:00Z","after":"2026-11-28T10:00:09Z"}}}]'::jsonb) WITH ORDINALITY e (event, ord)
  ORDER BY e.ord)
INSERT INTO call_decision (call_id, source, upstream_event_id, outcome, changed_fields, snapshot_status,
    snapshot_updated_at, first_event_seq, decided_at)
  SELECT md5(:n || 'c')::uuid, 'webhook', md5(:n || 'e2')::uuid, 'applied',
    '{status,updated_at}',
    'in_progress', now(), 2, now();
COMMIT;
