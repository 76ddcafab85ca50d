-- Keep search indexing off the send path (docs/send-path.md, "Search indexing").
-- A GIN index takes new rows into its pending list (fastupdate, on by default) and merges the
-- list into the index later, in a batch: when (auto)vacuum runs, or, once the list outgrows
-- gin_pending_list_limit (4 MB by default), in the very INSERT that overflows it. That INSERT
-- is the persister's, which the send path waits for, and merging a full list of trigrams took
-- it 100-160 ms. So: let vacuum run on this table every 20,000 inserted rows whatever its size,
-- and give the lists room for what arrives between two runs; searches read the pending list
-- too, so nothing is less searchable meanwhile.
ALTER INDEX messages_text_fts_idx SET (gin_pending_list_limit = 32768);
ALTER INDEX messages_text_trgm_idx SET (gin_pending_list_limit = 32768);
ALTER TABLE messages SET (autovacuum_vacuum_insert_threshold = 20000, autovacuum_vacuum_insert_scale_factor = 0);
