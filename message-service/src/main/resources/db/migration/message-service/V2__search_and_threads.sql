-- SearchMessages (docs/message-store.md, "Search"). Two GIN indexes over the text:
--  * full-text with the language-independent 'simple' configuration (lowercased words, no
--    stemming or stop words, so Korean, English and any other language are treated alike);
--  * trigrams (pg_trgm) for substring matches, which is how Korean and other text whose words
--    carry attached particles (서울에서 contains 서울) or are not separated by spaces is found.
-- pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE INDEX messages_text_fts_idx ON messages USING gin (to_tsvector('simple', text));
CREATE INDEX messages_text_trgm_idx ON messages USING gin (text gin_trgm_ops);

-- ListMessages leaves thread replies out: the main timeline of a room, in seq order.
CREATE INDEX messages_main_timeline_idx ON messages (room_id, seq) WHERE thread_root_id IS NULL;
