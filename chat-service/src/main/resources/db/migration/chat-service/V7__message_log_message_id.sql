-- A sent message may quote (reply_to_id) or join the thread of (thread_root_id) another message
-- of the same room only: the append looks references up by message id.
CREATE UNIQUE INDEX message_log_message_id ON message_log (message_id);
