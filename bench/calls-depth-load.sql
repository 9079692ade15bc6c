-- Bulk load for bench/calls-depth.sh: :rows realistic calls over the year before :'anchor'.
--
-- Runs against a schema that Flyway has just created, so the table and its indexes are exactly the
-- ones the gateway ships. The indexes are dropped for the load and rebuilt from their own saved
-- definitions afterwards: building eight indexes once is several times faster than maintaining them
-- row by row, and the result is the same.
--
-- Deterministic: setseed() fixes random() and ids are derived from the row number, so two runs load
-- the same rows and their figures can be compared.
\set ON_ERROR_STOP on
\if :{?rows}
\else
\set rows 1000000
\endif
\if :{?anchor}
\else
\set anchor '2026-11-28 00:00:00+00'
\endif

SET maintenance_work_mem = '512MB';
SET synchronous_commit = off;
SET client_min_messages = warning;
SELECT setseed(0.2026);

BEGIN;

CREATE TEMP TABLE bench_saved_index ON COMMIT DROP AS
    SELECT indexname, indexdef
    FROM pg_indexes
    WHERE schemaname = current_schema() AND tablename = 'call' AND indexname <> 'call_pkey';

DO $$
DECLARE ix record;
BEGIN
    FOR ix IN SELECT indexname FROM bench_saved_index LOOP
        EXECUTE format('DROP INDEX %I', ix.indexname);
    END LOOP;
END $$;
-- The transcript tables reference call(id), and the transcript trigger would schedule a fetch for
-- every loaded call that completed with a conversation: neither belongs in a /calls depth bench.
ALTER TABLE call_transcript DROP CONSTRAINT call_transcript_call_id_fkey;
ALTER TABLE call_transcript_fetch DROP CONSTRAINT call_transcript_fetch_call_id_fkey;
ALTER TABLE call DISABLE TRIGGER call_ended_with_conversation;
ALTER TABLE call DROP CONSTRAINT call_pkey;

INSERT INTO call (
    id, agent_id, to_number, from_number, status, direction, answered_by, persona, instructions, prompt,
    context, returns, result, result_status, result_error, language, webhook_url, webhook_status,
    webhook_error, created_at, started_at, answered_at, ended_at, duration_seconds,
    billed_duration_seconds, billing_amount_milli_cents, reservation_status, error_code, error_message,
    hangup_cause, metadata, updated_at, first_seen_at, first_seen_via, last_webhook_at, last_polled_at,
    version)
SELECT
    id, agent_id, to_number, from_number, status, direction, answered_by, persona, instructions,
    'You are ' || coalesce(persona, 'a CallingBox voice assistant') || '. ' || instructions
        || CASE language WHEN 'es' THEN ' Speak Spanish.' ELSE ' Speak English.' END
        || coalesce(' Context: ' || context::text, ''),
    context, returns, result, result_status, result_error, language, webhook_url, webhook_status,
    webhook_error, created_at, started_at, answered_at, ended_at, duration_seconds,
    billed_duration_seconds, billing_amount_milli_cents, reservation_status, error_code, error_message,
    hangup_cause, metadata, updated_at,
    CASE first_seen_via
        WHEN 'webhook' THEN created_at + make_interval(secs => 0.2 + r8 * 2)
        ELSE created_at + make_interval(secs => 5 + r8 * 30)
    END,
    first_seen_via,
    CASE WHEN first_seen_via = 'webhook' OR i % 26 <> 0 THEN updated_at + interval '400 milliseconds' END,
    CASE WHEN i % 4 = 0 OR first_seen_via = 'poll' THEN updated_at + make_interval(secs => 10 + r7 * 30) END,
    version
FROM (
    SELECT
        t.*,
        CASE
            WHEN status = 'completed' THEN coalesce(ended_at, created_at) + make_interval(secs => 5 + r8 * 35)
            ELSE coalesce(ended_at, answered_at, started_at, created_at)
        END AS updated_at
    FROM (
        SELECT
            s.*,
            rs.result_status,
            overlay(overlay(md5('call-' || i) PLACING '4' FROM 13) PLACING '8' FROM 17)::uuid AS id,
            CASE WHEN agent_no = 0 THEN NULL ELSE md5('agent-' || agent_no)::uuid END AS agent_id,
            CASE direction WHEN 'outbound' THEN customer_number ELSE org_number END AS to_number,
            CASE direction WHEN 'outbound' THEN org_number ELSE customer_number END AS from_number,
            CASE
                WHEN status IN ('completed', 'in_progress') THEN 'human'
                WHEN status = 'no_answer' AND r7 < 0.3 THEN 'machine'
            END AS answered_by,
            CASE WHEN agent_no <> 0 THEN
                (ARRAY['Maya', 'Leo', 'Ana', 'Sam', 'Priya'])[1 + agent_no % 5] || ', a friendly assistant for '
                    || (ARRAY['Acme Dental', 'Northwind Clinic', 'Brightside Realty', 'Contoso Insurance'])[1 + agent_no % 4]
            END AS persona,
            CASE direction
                WHEN 'outbound' THEN 'Confirm the appointment on ' || to_char(created_at + interval '2 days', 'FMDay FMDD FMMonth')
                    || '. If the customer cannot make it, offer two other slots and note the one they prefer.'
                    || ' Keep the call under three minutes.'
                ELSE 'Answer questions about opening hours and prices, and book an appointment if asked.'
                    || ' Transfer nothing; take a message when unsure.'
            END AS instructions,
            CASE WHEN direction = 'outbound' THEN
                jsonb_build_object(
                    'customer_id', 'cus_' || lpad(i::text, 8, '0'),
                    'appointment_id', 'apt_' || (i::bigint * 7919 % 1000003),
                    'campaign', (ARRAY['reminders', 'reactivation', 'follow-up'])[1 + i % 3])
            END AS context,
            '{"confirmed": "boolean", "preferred_slot": "string", "notes": "string"}'::jsonb AS returns,
            CASE result_status
                WHEN 'completed' THEN jsonb_build_object(
                    'confirmed', r8 < 0.7,
                    'preferred_slot', CASE WHEN r8 >= 0.7 THEN (ARRAY['Tuesday 10:00', 'Friday 15:30'])[1 + i % 2] END,
                    'notes', CASE WHEN i % 5 = 0 THEN 'asked for a reminder by text' END)
                WHEN 'failed' THEN '{"confirmed": null, "preferred_slot": null, "notes": null}'::jsonb
            END AS result,
            CASE WHEN result_status = 'failed' THEN 'transcript too short to extract preferred_slot' END AS result_error,
            CASE WHEN i % 20 = 0 THEN 'es' ELSE 'en' END AS language,
            CASE WHEN r6 < 0.7 THEN 'https://crm.internal.example/hooks/callingbox' END AS webhook_url,
            CASE
                WHEN r6 >= 0.7 THEN 'none'
                WHEN status NOT IN ('completed', 'no_answer', 'busy', 'failed', 'canceled') OR i % 100 >= 98 THEN 'pending'
                WHEN i % 100 >= 95 THEN 'failed'
                ELSE 'delivered'
            END AS webhook_status,
            CASE WHEN r6 < 0.7 AND status IN ('completed', 'no_answer', 'busy', 'failed', 'canceled')
                      AND i % 100 BETWEEN 95 AND 97 THEN 'HTTP 503 from receiver after 12 attempts' END AS webhook_error,
            CASE status
                WHEN 'completed' THEN answered_at + make_interval(secs => talk_seconds)
                WHEN 'no_answer' THEN started_at + interval '30 seconds'
                WHEN 'busy' THEN started_at + interval '4 seconds'
                WHEN 'canceled' THEN started_at + make_interval(secs => ring_seconds)
                WHEN 'failed' THEN coalesce(started_at, created_at) + interval '2 seconds'
            END AS ended_at,
            CASE status
                WHEN 'completed' THEN ring_seconds + talk_seconds
                WHEN 'no_answer' THEN 30
                WHEN 'busy' THEN 4
                WHEN 'canceled' THEN ring_seconds
                WHEN 'failed' THEN CASE WHEN started_at IS NULL THEN 0 ELSE 2 END
            END AS duration_seconds,
            CASE
                WHEN status = 'completed' THEN talk_seconds
                WHEN status IN ('no_answer', 'busy', 'canceled', 'failed') THEN 0
            END AS billed_duration_seconds,
            CASE
                WHEN status = 'completed' THEN ceil(talk_seconds / 60.0)::bigint * 9000
                WHEN status IN ('no_answer', 'busy', 'canceled', 'failed') THEN 0
            END AS billing_amount_milli_cents,
            CASE
                WHEN status = 'completed' THEN 'settled'
                WHEN status IN ('no_answer', 'busy', 'canceled', 'failed') THEN 'released'
                ELSE 'reserved'
            END AS reservation_status,
            CASE WHEN status = 'failed' THEN (ARRAY['21211', '31005', 'insufficient_credits'])[1 + i % 3] END AS error_code,
            CASE WHEN status = 'failed' THEN
                (ARRAY['Invalid destination number', 'Connection error from carrier', 'Organization is out of credits'])[1 + i % 3]
            END AS error_message,
            CASE status
                WHEN 'completed' THEN (ARRAY['normal_clearing', 'caller_hangup'])[1 + i % 2]
                WHEN 'no_answer' THEN 'no_answer'
                WHEN 'busy' THEN 'user_busy'
                WHEN 'canceled' THEN 'originator_cancel'
                WHEN 'failed' THEN (ARRAY['unallocated_number', 'network_error', 'call_rejected'])[1 + i % 3]
            END AS hangup_cause,
            CASE WHEN i % 10 < 7 THEN jsonb_build_object('crm_id', 'opp_' || (i::bigint * 31 % 100000)) ELSE '{}'::jsonb END AS metadata,
            CASE WHEN i % 13 = 0 THEN 'poll' ELSE 'webhook' END AS first_seen_via,
            CASE status
                WHEN 'completed' THEN 5 WHEN 'queued' THEN 1 WHEN 'initiated' THEN 2 WHEN 'ringing' THEN 3
                WHEN 'in_progress' THEN 4 ELSE 3
            END AS version
        FROM (
            SELECT
                q.*,
                CASE
                    WHEN status = 'queued' OR (status = 'failed' AND i % 3 = 0) THEN NULL
                    ELSE created_at + make_interval(secs => 1 + r7 * 2)
                END AS started_at,
                CASE WHEN status IN ('completed', 'in_progress')
                    THEN created_at + make_interval(secs => 1 + r7 * 2 + ring_seconds)
                END AS answered_at,
                CASE
                    WHEN status = 'completed' THEN 'completed'
                    ELSE 'pending'
                END AS result_status_raw
            FROM (
                SELECT
                    g.*,
                    CASE
                        WHEN created_at > :'anchor'::timestamptz - interval '20 minutes'
                            THEN (ARRAY['queued', 'initiated', 'ringing', 'in_progress'])[1 + floor(r1 * 4)::int]
                        WHEN r1 < 0.58 THEN 'completed'
                        WHEN r1 < 0.78 THEN 'no_answer'
                        WHEN r1 < 0.86 THEN 'busy'
                        WHEN r1 < 0.94 THEN 'failed'
                        ELSE 'canceled'
                    END AS status,
                    CASE WHEN r2 < 0.8 THEN 'outbound' ELSE 'inbound' END AS direction,
                    floor(r3 * 41)::int AS agent_no,
                    '+1' || (201 + floor(r4 * 790)::int) || lpad(floor(r5 * 10000000)::int::text, 7, '0') AS customer_number,
                    '+1415555' || lpad((floor(r3 * 41)::int * 2 + (i % 2))::text, 4, '0') AS org_number,
                    2 + floor(r7 * 18)::int AS ring_seconds,
                    15 + floor(r8 * 585)::int AS talk_seconds
                FROM (
                    SELECT
                        i,
                        random() AS r1, random() AS r2, random() AS r3, random() AS r4,
                        random() AS r5, random() AS r6, random() AS r7, random() AS r8,
                        CASE
                            -- campaign bursts: four calls dispatched in the same second, every 100 calls
                            WHEN i % 100 < 4 THEN :'anchor'::timestamptz - make_interval(secs => ((i / 100) * 3153.6)::float8)
                            ELSE date_trunc('milliseconds', :'anchor'::timestamptz - make_interval(secs => random() * 31536000))
                        END AS created_at
                    FROM generate_series(1, :rows) AS i
                ) g
            ) q
        ) s
        CROSS JOIN LATERAL (
            SELECT CASE
                WHEN s.result_status_raw = 'completed' AND s.r7 < 0.90 THEN 'completed'
                WHEN s.result_status_raw = 'completed' AND s.r7 < 0.97 THEN 'failed'
                ELSE 'pending'
            END AS result_status
        ) rs
    ) t
) u;

ALTER TABLE call ADD CONSTRAINT call_pkey PRIMARY KEY (id);
ALTER TABLE call ENABLE TRIGGER call_ended_with_conversation;
ALTER TABLE call_transcript ADD CONSTRAINT call_transcript_call_id_fkey
    FOREIGN KEY (call_id) REFERENCES call (id) ON DELETE CASCADE;
ALTER TABLE call_transcript_fetch ADD CONSTRAINT call_transcript_fetch_call_id_fkey
    FOREIGN KEY (call_id) REFERENCES call (id) ON DELETE CASCADE;
DO $$
DECLARE ix record;
BEGIN
    FOR ix IN SELECT indexdef FROM bench_saved_index LOOP
        EXECUTE ix.indexdef;
    END LOOP;
END $$;

COMMIT;

VACUUM (ANALYZE) call;

SELECT count(*) AS calls,
       count(*) - count(DISTINCT created_at) AS rows_sharing_a_created_at,
       min(created_at) AS oldest,
       max(created_at) AS newest,
       pg_size_pretty(pg_total_relation_size('call')) AS size_with_indexes
FROM call;
SELECT status, count(*) FROM call GROUP BY status ORDER BY count(*) DESC;
