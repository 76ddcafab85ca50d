-- How much ANALYZE samples of the append-only tables (docs/send-path.md, "Statistics").
-- Autovacuum analyzes a table each time it has grown by a tenth; with every column at the
-- default target (100) each run read 30,000 rows and sorted each column's values, and on
-- message_search computed to_tsvector for each sampled row for the full-text index's
-- expression: 0.25 s (messages) and 0.36 s (message_search) of CPU at 400,000 rows, run after
-- run while the tables grow. No statistics for texts and unique ids (their indexes tell the
-- planner what it needs; at 400,000 rows a search's plan and estimates were the same without
-- them); a 3,000-row sample (target 10) for the columns queries filter, join and order by.
ALTER TABLE messages
    ALTER COLUMN text SET STATISTICS 0,
    ALTER COLUMN id SET STATISTICS 0,
    ALTER COLUMN client_id SET STATISTICS 0,
    ALTER COLUMN reply_to_id SET STATISTICS 0,
    ALTER COLUMN room_id SET STATISTICS 10,
    ALTER COLUMN seq SET STATISTICS 10,
    ALTER COLUMN sender_id SET STATISTICS 10,
    ALTER COLUMN thread_root_id SET STATISTICS 10,
    ALTER COLUMN created_at SET STATISTICS 10,
    ALTER COLUMN edited_at SET STATISTICS 10,
    ALTER COLUMN deleted_at SET STATISTICS 10;
ALTER TABLE message_search
    ALTER COLUMN text SET STATISTICS 0,
    ALTER COLUMN message_id SET STATISTICS 0,
    ALTER COLUMN room_id SET STATISTICS 10;
ALTER INDEX message_search_fts_idx ALTER COLUMN 1 SET STATISTICS 0;
