-- Autovacuum visits message_search as it does any table again (docs/send-path.md, "Search
-- indexing"). V42 had it visit every 20,000 new rows to merge the trigram index's pending list;
-- the fold merges that list itself now (RoomFolds), and each visit also read the whole GIN index
-- to count its pages (GIN's vacuum cleanup does, even with nothing to remove), so its cost grew
-- with the table: every 4 s at 5,000 messages/s, for a list that was already merged.
ALTER TABLE message_search RESET (autovacuum_vacuum_insert_threshold, autovacuum_vacuum_insert_scale_factor);
