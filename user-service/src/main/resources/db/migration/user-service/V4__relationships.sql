-- Privacy settings (UpdateSettings); both default to the closed choice.
ALTER TABLE users
    ADD COLUMN accept_direct_messages_from_anyone boolean NOT NULL DEFAULT false,
    ADD COLUMN require_follow_approval boolean NOT NULL DEFAULT false;

-- Friend and follow requests, kept after they are answered (their state says how).
-- Ids are ULIDs, so ordering by id is ordering by creation time.
CREATE TABLE relationship_requests (
    id           text PRIMARY KEY,
    kind         text NOT NULL CHECK (kind IN ('FRIEND', 'FOLLOW')),
    from_user_id text NOT NULL REFERENCES users (id),
    to_user_id   text NOT NULL REFERENCES users (id),
    state        text NOT NULL CHECK (state IN ('PENDING', 'ACCEPTED', 'DECLINED', 'CANCELLED')),
    message      text NOT NULL,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    CHECK (from_user_id <> to_user_id)
);
-- No duplicate pending requests (the domain checks first; this settles races it cannot see).
CREATE UNIQUE INDEX relationship_requests_one_pending
    ON relationship_requests (from_user_id, to_user_id, kind) WHERE state = 'PENDING';
CREATE INDEX relationship_requests_incoming ON relationship_requests (to_user_id, id);
CREATE INDEX relationship_requests_outgoing ON relationship_requests (from_user_id, id);

-- Friendship is mutual and stored in both directions, so listing a user's friends is one index range.
CREATE TABLE friendships (
    user_id    text NOT NULL REFERENCES users (id),
    friend_id  text NOT NULL REFERENCES users (id),
    created_at timestamptz NOT NULL,
    PRIMARY KEY (user_id, friend_id)
);

CREATE TABLE follows (
    follower_id text NOT NULL REFERENCES users (id),
    followee_id text NOT NULL REFERENCES users (id),
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (follower_id, followee_id)
);
CREATE INDEX follows_by_followee ON follows (followee_id, follower_id);

CREATE TABLE blocks (
    blocker_id text NOT NULL REFERENCES users (id),
    blocked_id text NOT NULL REFERENCES users (id),
    created_at timestamptz NOT NULL,
    PRIMARY KEY (blocker_id, blocked_id)
);
CREATE INDEX blocks_by_blocked ON blocks (blocked_id, blocker_id);
