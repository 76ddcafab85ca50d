-- Mentions, and counters that make GetUnreadCounts independent of room size
-- (docs/message-store.md, "Unread and mention counts").

-- One row per mentioned user per message; mentioned = '@room' for a mention of the whole room
-- (user ids are ULIDs, so it names no user). Written by the persister's INSERT statement.
CREATE TABLE message_mentions (
    room_id    text   NOT NULL,
    mentioned  text   NOT NULL,
    seq        bigint NOT NULL,
    message_id text   NOT NULL,
    sender_id  text   NOT NULL,
    position   int    NOT NULL,
    PRIMARY KEY (room_id, mentioned, seq)
);
-- The mentions of a page of messages.
CREATE INDEX message_mentions_message_idx ON message_mentions (message_id);

-- Per room: how many messages are stored and the newest seq. Raised by the persister's INSERT.
CREATE TABLE room_message_counts (
    room_id       text   PRIMARY KEY,
    message_count bigint NOT NULL,
    last_seq      bigint NOT NULL
);

-- Per room and sender: how many of the room's messages the sender sent.
CREATE TABLE room_sender_counts (
    room_id       text   NOT NULL,
    sender_id     text   NOT NULL,
    message_count bigint NOT NULL,
    PRIMARY KEY (room_id, sender_id)
);

-- With the marker, how many of the room's messages (and of the user's own) are at or below it.
ALTER TABLE read_markers
    ADD COLUMN read_count     bigint NOT NULL DEFAULT 0,
    ADD COLUMN own_read_count bigint NOT NULL DEFAULT 0;

INSERT INTO room_message_counts (room_id, message_count, last_seq)
SELECT room_id, count(*), max(seq) FROM messages GROUP BY room_id;

INSERT INTO room_sender_counts (room_id, sender_id, message_count)
SELECT room_id, sender_id, count(*) FROM messages GROUP BY room_id, sender_id;

UPDATE read_markers rm
SET (read_count, own_read_count) = (SELECT count(*), count(*) FILTER (WHERE m.sender_id = rm.user_id)
                                    FROM messages m
                                    WHERE m.room_id = rm.room_id AND m.seq <= rm.last_read_seq);
