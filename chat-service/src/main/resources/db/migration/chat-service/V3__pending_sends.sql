-- A send whose publish failed keeps its result row as PENDING, with the exact event it
-- published. A failed publish does not mean the bus lacks the event: a Kafka delivery timeout
-- means the outcome is unknown, and a hung broker may still write the request later. A retry
-- with the same client_id publishes that very event again (same event id, message id, seq and
-- time), which consumers recognize as a repeat, instead of posting a second message.
-- DONE: the bus acknowledged the message (every row before this migration).
ALTER TABLE sent_messages
    ADD COLUMN state text NOT NULL DEFAULT 'DONE' CHECK (state IN ('PENDING', 'DONE')),
    -- chatmesh.chat.v1.RoomEvent as published; kept only while PENDING
    ADD COLUMN pending_event bytea,
    ADD CONSTRAINT sent_messages_pending_event CHECK ((state = 'PENDING') = (pending_event IS NOT NULL));
