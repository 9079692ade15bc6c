-- Events are numbered after commit (docs/decisions/0063-events-numbered-after-commit.md).
--
-- Writers insert events with an insert key, entry, from a plain sequence, and no public id; they no
-- longer touch event_sequence. A short sequencer transaction, serialised by the event_sequence row
-- lock, gives the committed unnumbered rows their ids in entry order above last_id and moves last_id
-- in the same statement. Ids still only ever come from that counter, after commit, so nothing can be
-- numbered below a position a reader has passed; writers of different calls no longer queue on one
-- row.
--
-- Existing events keep their ids; their entry is their id, and new entries start above them.
ALTER TABLE call_event ADD COLUMN entry bigint;
UPDATE call_event SET entry = id;
CREATE SEQUENCE call_event_entry_seq AS bigint OWNED BY call_event.entry;
SELECT setval('call_event_entry_seq', coalesce((SELECT max(id) FROM call_event), 0) + 1, false);
ALTER TABLE call_event
    ALTER COLUMN entry SET DEFAULT nextval('call_event_entry_seq'),
    ALTER COLUMN entry SET NOT NULL,
    DROP CONSTRAINT call_event_pkey,
    ALTER COLUMN id DROP NOT NULL,
    ADD PRIMARY KEY (entry);
-- Only numbered rows: readers always ask for id ranges, and the null ids of the moment stay out.
CREATE UNIQUE INDEX call_event_id_key ON call_event (id) WHERE id IS NOT NULL;
-- What the sequencer looks for, in the order it numbers; empty but for the last few milliseconds.
CREATE INDEX call_event_unnumbered_idx ON call_event (entry) WHERE id IS NULL;

-- A decision's events are named by their place in the call's own history, known when they are
-- written (the id is not, any more). Decisions whose events retention already deleted lose the link,
-- which is all the old id could still say about them. first_event_id stays, unread and no longer
-- written, only so that bench/webhooks-equivalent.sql (the per-webhook SQL before this migration, the
-- baseline the benchmarks compare against) still runs on the gateway's own database.
ALTER TABLE call_decision ADD COLUMN first_event_seq integer;
UPDATE call_decision d SET first_event_seq = e.call_seq FROM call_event e WHERE e.id = d.first_event_id;
