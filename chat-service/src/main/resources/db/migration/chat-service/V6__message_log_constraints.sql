-- After V5 filled seq and turned PENDING rows into unpublished ones, the log no longer needs a
-- state per row: published or not is "seq <= rooms.last_message_seq".
ALTER TABLE sent_messages
    DROP CONSTRAINT sent_messages_pending_event,
    DROP COLUMN state,
    DROP COLUMN pending_event,
    ALTER COLUMN seq SET NOT NULL,
    ADD CONSTRAINT message_log_room_seq UNIQUE (room_id, seq);

ALTER TABLE sent_messages RENAME CONSTRAINT sent_messages_sender_client TO message_log_sender_client;
ALTER TABLE sent_messages RENAME TO message_log;

COMMENT ON COLUMN message_log.message IS 'chatmesh.message.v1.Message as posted; its seq is the seq column';
