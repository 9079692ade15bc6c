-- Dead letters expire by age (gateway.dead-letter-retention), judged by the database clock; until
-- then event retention keeps their events, so they can be replayed.
CREATE INDEX dead_letter_dead_at_idx ON dead_letter (dead_at);
