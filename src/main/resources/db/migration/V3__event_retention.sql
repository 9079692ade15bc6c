-- How far retention has deleted the event log: every event with an id at or below deleted_through
-- is gone, so a feed cursor below it can no longer be served without a gap (410).
CREATE TABLE event_retention (
    singleton        boolean     PRIMARY KEY DEFAULT true CHECK (singleton),
    deleted_through  bigint      NOT NULL,
    last_run_at      timestamptz
);
INSERT INTO event_retention (singleton, deleted_through) VALUES (true, 0);
