-- How much ANALYZE samples of message_log (docs/send-path.md, "Statistics"). Autovacuum
-- analyzes the table each time it has grown by a tenth; with every column at the default
-- target (100) each run read 30,000 rows and sorted each column's values, 0.26 s of CPU at
-- 400,000 rows, and message-service's tables cost as much again. The log is only read by key:
-- no statistics for the payload, nor for message_id (unique, so its index tells the planner
-- all it needs); a 3,000-row sample (target 10) for the columns the append joins and ranges on.
ALTER TABLE message_log
    ALTER COLUMN message SET STATISTICS 0,
    ALTER COLUMN message_id SET STATISTICS 0,
    ALTER COLUMN sender_id SET STATISTICS 10,
    ALTER COLUMN client_id SET STATISTICS 10,
    ALTER COLUMN room_id SET STATISTICS 10,
    ALTER COLUMN seq SET STATISTICS 10,
    ALTER COLUMN created_at SET STATISTICS 10,
    ALTER COLUMN deleted_at SET STATISTICS 10;
