-- When a call lost its personal data for good (retention's redaction, or an erased call brought back
-- by a later poll or webhook); null while it is whole. A redacted call is never scheduled for a
-- transcript: the transcript is personal data too.
ALTER TABLE call ADD COLUMN redacted_at timestamptz;

DROP TRIGGER call_ended_with_conversation ON call;
CREATE TRIGGER call_ended_with_conversation
    AFTER INSERT OR UPDATE OF status, answered_at, answered_by ON call
    FOR EACH ROW
    WHEN (NEW.status = 'completed' AND NEW.answered_at IS NOT NULL AND NEW.answered_by IS DISTINCT FROM 'machine'
          AND NEW.redacted_at IS NULL)
    EXECUTE FUNCTION schedule_transcript_fetch();
