-- Rooms, memberships and send idempotency of chat-service.

CREATE TABLE rooms (
    id               text PRIMARY KEY,
    kind             text NOT NULL CHECK (kind IN ('PUBLIC', 'PRIVATE', 'GROUP', 'DIRECT')),
    name             text NOT NULL,
    -- lower-cased name (computed by the service): case-insensitive prefix search and order,
    -- byte-wise ("C") so LIKE 'prefix%' can use the index
    name_key         text COLLATE "C" NOT NULL,
    topic            text NOT NULL,
    -- NULL for DIRECT rooms and for rooms everybody left
    owner_id         text,
    -- DIRECT rooms only: the two user ids sorted and joined by ':', one room per pair
    direct_key       text UNIQUE,
    -- seq of the newest message; incremented per message (increasing, not dense)
    last_seq         bigint NOT NULL DEFAULT 0,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    -- last message or creation, for "most recently active first"
    last_activity_at timestamptz NOT NULL,
    CHECK ((kind = 'DIRECT') = (direct_key IS NOT NULL))
);

CREATE INDEX rooms_public_by_name ON rooms (name_key, id) WHERE kind = 'PUBLIC';

CREATE TABLE members (
    room_id   text NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    user_id   text NOT NULL,
    role      text NOT NULL CHECK (role IN ('OWNER', 'ADMIN', 'MEMBER')),
    joined_at timestamptz NOT NULL,
    PRIMARY KEY (room_id, user_id)
);

CREATE INDEX members_by_user ON members (user_id, room_id);
CREATE INDEX members_by_join ON members (room_id, joined_at, user_id);

-- The first result of every successful send, so a retry with the same client_id returns it.
CREATE TABLE sent_messages (
    sender_id  text NOT NULL,
    client_id  text NOT NULL,
    room_id    text NOT NULL,
    message_id text NOT NULL,
    -- chatmesh.message.v1.Message as returned to the sender
    message    bytea NOT NULL,
    created_at timestamptz NOT NULL,
    CONSTRAINT sent_messages_sender_client UNIQUE (sender_id, client_id)
);
