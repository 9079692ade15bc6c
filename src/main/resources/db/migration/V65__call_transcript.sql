-- Transcripts of calls that ended with a conversation (GET /v1/calls/{id}/transcript), kept as
-- CallingBox spells their segments, and the schedule of the fetches still to try.
CREATE TABLE call_transcript (
    call_id    uuid        PRIMARY KEY REFERENCES call (id) ON DELETE CASCADE,
    segments   jsonb       NOT NULL,
    fetched_at timestamptz NOT NULL
);

-- One row per call that ended with a conversation. next_attempt_at is null once the fetch is over
-- (stored or given up): the row stays, so a later change of the call does not schedule it again.
-- A fetch in progress has its next_attempt_at pushed ahead (a claim that runs out if its replica dies).
CREATE TABLE call_transcript_fetch (
    call_id         uuid        PRIMARY KEY REFERENCES call (id) ON DELETE CASCADE,
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz,
    gave_up_at      timestamptz
);
CREATE INDEX call_transcript_fetch_due_idx ON call_transcript_fetch (next_attempt_at)
    WHERE next_attempt_at IS NOT NULL;

-- "Ended with a conversation": completed, answered, and not by a machine (the same test as the
-- unsettled index of V20). Scheduled by the database, in the transaction that stored the call, so a
-- call ended by webhook, by poll or by a refresh is scheduled alike and none is missed.
-- Calls that ended before this migration are not scheduled.
CREATE FUNCTION schedule_transcript_fetch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO call_transcript_fetch (call_id, next_attempt_at) VALUES (NEW.id, now())
        ON CONFLICT (call_id) DO NOTHING;
    RETURN NULL;
END;
$$;

CREATE TRIGGER call_ended_with_conversation
    AFTER INSERT OR UPDATE OF status, answered_at, answered_by ON call
    FOR EACH ROW
    WHEN (NEW.status = 'completed' AND NEW.answered_at IS NOT NULL AND NEW.answered_by IS DISTINCT FROM 'machine')
    EXECUTE FUNCTION schedule_transcript_fetch();
