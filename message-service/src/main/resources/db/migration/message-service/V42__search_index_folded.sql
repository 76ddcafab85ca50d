-- Search indexing off the persister's INSERT (docs/message-store.md, "Search"). The two GIN
-- indexes move from messages to message_search, which the background fold fills (with the
-- unread counters, in one transaction) from the messages stored after each room's indexed_seq;
-- searches add the messages past indexed_seq, and those edited or deleted since the fold,
-- themselves. The persister's INSERT, which every ack waits for, no longer writes GIN entries.
-- Keyed by room first: a query too short for a trigram (one or two characters) reads the
-- caller's rooms' rows of this key, not the whole table.
CREATE TABLE message_search (
    room_id    text NOT NULL,
    message_id text NOT NULL,
    text       text NOT NULL,
    PRIMARY KEY (room_id, message_id)
);
-- As V4 did for messages: the fold's INSERT only adds to the indexes' pending lists (32 MB
-- each), and autovacuum, visiting the table every 20,000 new rows, merges them in bulk. Merged
-- by the INSERT itself each time a 4 MB list filled (the default), indexing cost 67 µs of
-- PostgreSQL time per message at 10,000 messages/s, more than the append.
CREATE INDEX message_search_fts_idx ON message_search USING gin (to_tsvector('simple', text))
    WITH (gin_pending_list_limit = 32768);
CREATE INDEX message_search_trgm_idx ON message_search USING gin (text gin_trgm_ops)
    WITH (gin_pending_list_limit = 32768);
ALTER TABLE message_search SET (autovacuum_vacuum_insert_threshold = 20000, autovacuum_vacuum_insert_scale_factor = 0);

-- Messages edited or deleted whose search row the next fold of their room brings up to date.
-- No unique key: the persister only appends here, never waiting for a fold that is taking rows.
CREATE TABLE search_refresh (
    room_id    text NOT NULL,
    message_id text NOT NULL
);
CREATE INDEX search_refresh_room_idx ON search_refresh (room_id);

-- room_message_counts is each room's fold state: counted_seq for the counters, indexed_seq for search.
ALTER TABLE room_message_counts ADD COLUMN indexed_seq bigint NOT NULL DEFAULT 0;

INSERT INTO message_search (room_id, message_id, text)
SELECT m.room_id, m.id, m.text
FROM messages m JOIN room_message_counts c ON c.room_id = m.room_id
WHERE m.seq <= c.counted_seq AND m.deleted_at IS NULL AND m.text <> '';
UPDATE room_message_counts SET indexed_seq = counted_seq;

DROP INDEX messages_text_fts_idx;
DROP INDEX messages_text_trgm_idx;
-- V4 had autovacuum visit messages every 20,000 rows for the GIN pending lists; no longer needed.
ALTER TABLE messages RESET (autovacuum_vacuum_insert_threshold, autovacuum_vacuum_insert_scale_factor);
