-- MatchRandom's waiting users, shared by every chat-service instance (the queue is this table,
-- not anything in memory). Tickets are ULIDs: ordering by ticket_id is the order of arrival,
-- which makes the queue first come, first matched. A waiting call refreshes alive_until while it
-- waits; a ticket whose call (or instance) is gone expires and is never matched.
CREATE TABLE random_match_queue (
    ticket_id       text PRIMARY KEY,
    user_id         text NOT NULL UNIQUE,
    interests       text[] NOT NULL,
    alive_until     timestamptz NOT NULL,
    -- set by the newer arrival that matched this ticket; the waiting call collects it and deletes the row
    matched_room_id text,
    matched_user_id text
);
