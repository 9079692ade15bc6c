-- The poller lease's term: bumped every time the lease changes hands (or is taken again after it ran
-- out), and carried by every write the poller makes to this row. A poller whose lease was taken over
-- in the middle of a job cannot move the high-water mark or record a scan: its term is stale.
ALTER TABLE poller_lease ADD COLUMN epoch bigint NOT NULL DEFAULT 0;
