-- How far each room's log is published moves from rooms.last_message_seq to a row of its own
-- (docs/send-path.md, "Publishing: the relay"). A relay holds that row locked while the bus
-- takes its events; the append of the next batch locks the rooms row to take seqs, so it no
-- longer waits for the relay, and one batch is appended while the one before is published.
CREATE TABLE room_outbox (
    room_id       text   PRIMARY KEY REFERENCES rooms (id) ON DELETE CASCADE,
    published_seq bigint NOT NULL DEFAULT 0 CHECK (published_seq >= 0)
);
INSERT INTO room_outbox (room_id, published_seq) SELECT id, last_message_seq FROM rooms;
ALTER TABLE rooms DROP COLUMN last_message_seq;
