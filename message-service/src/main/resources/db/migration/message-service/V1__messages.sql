-- Messages as chat-service publishes them, keyed by id (replays are no-ops) and ordered by
-- the room cursor seq. Columns for replies, threads, edits and deletions are here from the
-- start so later features need no rewrite of this table.
CREATE TABLE messages (
    id             text        PRIMARY KEY,
    room_id        text        NOT NULL,
    seq            bigint      NOT NULL CHECK (seq > 0),
    sender_id      text        NOT NULL,
    client_id      text,
    text           text        NOT NULL,
    reply_to_id    text,
    thread_root_id text,
    created_at     timestamptz NOT NULL,
    edited_at      timestamptz,
    deleted_at     timestamptz,
    CONSTRAINT messages_room_seq_key UNIQUE (room_id, seq)
);

-- Thread replies in order (and the reply count of a root).
CREATE INDEX messages_thread_idx ON messages (thread_root_id, seq) WHERE thread_root_id IS NOT NULL;

CREATE TABLE message_attachments (
    message_id    text   NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    position      int    NOT NULL,
    attachment_id text   NOT NULL,
    file_name     text   NOT NULL,
    content_type  text   NOT NULL,
    size_bytes    bigint NOT NULL,
    sha256        text   NOT NULL,
    PRIMARY KEY (message_id, position)
);

-- One row per (message, emoji, user); summaries are aggregated on read.
CREATE TABLE message_reactions (
    message_id text        NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    emoji      text        NOT NULL,
    user_id    text        NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (message_id, emoji, user_id)
);

CREATE TABLE read_markers (
    room_id       text   NOT NULL,
    user_id       text   NOT NULL,
    last_read_seq bigint NOT NULL CHECK (last_read_seq >= 0),
    PRIMARY KEY (room_id, user_id)
);
