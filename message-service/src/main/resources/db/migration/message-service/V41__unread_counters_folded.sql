-- Unread counters are no longer raised by the persister's INSERT but folded in the background
-- (docs/message-store.md, "Unread and mention counts"): room_message_counts and
-- room_sender_counts count a room's messages up to counted_seq, and readers add the few
-- messages stored after it. V3 kept last_seq equal to the newest stored seq, so the counts it
-- left are exactly the counts up to it: only the name changes.
ALTER TABLE room_message_counts RENAME COLUMN last_seq TO counted_seq;
