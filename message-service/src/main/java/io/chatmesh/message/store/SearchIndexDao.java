package io.chatmesh.message.store;

import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/**
 * SQL of the search index's fold ({@link RoomFolds}): {@code message_search} holds the text of
 * each room's messages up to its indexed_seq ({@code room_message_counts}), under its trigram
 * index; searches add what lies past it themselves ({@link MessageDao#search}). Both statements
 * run in the fold's transaction after {@link ReadStateDao#foldCounters}, which holds the rooms'
 * counter rows locked, so no other fold indexes the same rooms meanwhile.
 */
interface SearchIndexDao {

    /**
     * Indexes each room's messages stored after its indexed_seq (a short range of the (room_id,
     * seq) index, as in the counters' fold) and moves indexed_seq to the newest. Deleted messages
     * and those without text are left out: no query matches them.
     *
     * @return the search rows added
     */
    @SqlQuery("""
            WITH fresh AS (
                SELECT c.room_id, m.id, m.seq, m.text, m.deleted_at
                FROM room_message_counts c
                CROSS JOIN LATERAL (SELECT id, seq, text, deleted_at FROM messages
                                    WHERE room_id = c.room_id AND seq > c.indexed_seq
                                    ORDER BY seq) m
                WHERE c.room_id = ANY(CAST(:roomIds AS text[]))
            ),
            indexed AS (
                INSERT INTO message_search (room_id, message_id, text)
                SELECT room_id, id, text FROM fresh WHERE deleted_at IS NULL AND text <> ''
                RETURNING 1
            ),
            advanced AS (
                UPDATE room_message_counts c SET indexed_seq = f.newest
                FROM (SELECT room_id, max(seq) AS newest FROM fresh GROUP BY room_id) f
                WHERE c.room_id = f.room_id
            )
            SELECT count(*) FROM indexed
            """)
    int indexNewMessages(@Bind("roomIds") String[] roomIds);

    /**
     * Brings the search rows of the rooms' edited and deleted messages up to date and empties
     * their refresh queue. Messages past indexed_seq are left to {@link #indexNewMessages},
     * which reads their text as it is then.
     */
    @SqlUpdate("""
            WITH due AS (
                DELETE FROM search_refresh WHERE room_id = ANY(CAST(:roomIds AS text[])) RETURNING message_id
            ),
            current AS (
                SELECT DISTINCT m.id, m.room_id, m.text, m.deleted_at
                FROM due
                JOIN messages m ON m.id = due.message_id
                JOIN room_message_counts c ON c.room_id = m.room_id AND m.seq <= c.indexed_seq
            ),
            refreshed AS (
                INSERT INTO message_search (room_id, message_id, text)
                SELECT room_id, id, text FROM current WHERE deleted_at IS NULL AND text <> ''
                ON CONFLICT (room_id, message_id) DO UPDATE SET text = EXCLUDED.text
            )
            DELETE FROM message_search s USING current
            WHERE s.room_id = current.room_id AND s.message_id = current.id
              AND (current.deleted_at IS NOT NULL OR current.text = '')
            """)
    void refreshChangedMessages(@Bind("roomIds") String[] roomIds);

    /**
     * Merges the trigram index's pending list into the index (GIN's fastupdate list, which the
     * fold's INSERTs fill); returns the pending pages it emptied.
     */
    @SqlQuery("SELECT gin_clean_pending_list('message_search_trgm_idx')")
    long mergePendingEntries();
}
