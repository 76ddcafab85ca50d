-- Edits, deletions and reactions in the room log (docs/chat.md, "Edits, deletions and
-- reactions"): a change takes the room's next seq (rooms.last_seq) like a message, under the
-- same room lock, so messages and changes share one sequence; rows up to
-- rooms.last_message_seq are published, later ones are published by the room's next relay.
CREATE TABLE message_changes (
    room_id    text        NOT NULL,
    seq        bigint      NOT NULL,
    change_id  text        NOT NULL UNIQUE,
    kind       text        NOT NULL CHECK (kind IN ('EDIT', 'DELETE', 'REACT')),
    actor_id   text        NOT NULL,
    message_id text        NOT NULL,
    -- EDIT: the new text ('' once the message is deleted); else ''
    text       text        NOT NULL,
    -- REACT: the emoji and whether it was added (false: removed); else '' and false
    emoji      text        NOT NULL,
    added      boolean     NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (room_id, seq)
);

-- A deletion scrubs the text of the message's edits.
CREATE INDEX message_changes_by_message ON message_changes (message_id);

-- Set when the message is deleted; its logged bytes are then a tombstone without text.
ALTER TABLE message_log ADD COLUMN deleted_at timestamptz;
