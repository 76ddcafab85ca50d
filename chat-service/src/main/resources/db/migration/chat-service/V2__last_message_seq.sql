-- rooms.last_seq hands out seqs: a send takes last_seq + 1 and keeps it even when its publish
-- fails, because a publish that timed out may still reach the bus and no two messages of a
-- room may share a seq. last_message_seq is the newest seq the bus acknowledged: what rooms
-- report as their newest message, and how far a resume waits for message history.
ALTER TABLE rooms ADD COLUMN last_message_seq bigint NOT NULL DEFAULT 0;

-- Before this column a failed send's seq was not told apart; count it as a message.
UPDATE rooms SET last_message_seq = last_seq;
