-- One run of the event sequencer (events/EventSequencer, ADR 0063): numbers the committed unnumbered
-- events above event_sequence.last_id and moves the counter. See webhooks-numbered-after-commit.sql.
-- (The gateway moves the counter to last_id + the update's row count; pgbench cannot read a row
-- count, so the counter is moved to the highest id instead: the same value.)
BEGIN;
SET LOCAL enable_bitmapscan = off;
SELECT last_id FROM event_sequence FOR UPDATE \gset
WITH batch AS (
    SELECT entry, row_number() OVER (ORDER BY entry) AS n
    FROM call_event WHERE id IS NULL ORDER BY entry LIMIT 10000)
UPDATE call_event e SET id = :last_id + b.n FROM batch b WHERE e.entry = b.entry;
UPDATE event_sequence SET last_id = (SELECT coalesce(max(id), :last_id) FROM call_event WHERE id > :last_id);
COMMIT;
