package io.chatmesh.message.store;

import java.util.List;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlBatch;

/**
 * SQL for {@link JdbiMessageChanges}: each statement a JDBC batch, so a run of changes of one
 * kind is one round trip. Edits and reactions leave deleted messages alone; a deletion clears
 * the text and removes attachments and reactions, keeping the row (and its seq) as a tombstone.
 * An edit or deletion also queues the message for the search index's next fold ({@link SearchIndexDao}).
 */
interface MessageChangeDao {

    @SqlBatch("""
            WITH edited AS (
                UPDATE messages SET text = :text, edited_at = CAST(:time AS timestamptz)
                WHERE id = :messageId AND room_id = :roomId AND deleted_at IS NULL
                RETURNING id, room_id
            )
            INSERT INTO search_refresh (room_id, message_id) SELECT room_id, id FROM edited
            """)
    void edit(@Bind("roomId") List<String> roomIds, @Bind("messageId") List<String> messageIds,
            @Bind("text") List<String> texts, @Bind("time") List<String> times);

    @SqlBatch("""
            WITH tombstone AS (
                UPDATE messages SET text = '', deleted_at = CAST(:time AS timestamptz)
                WHERE id = :messageId AND room_id = :roomId AND deleted_at IS NULL
                RETURNING id, room_id
            ),
            attachments AS (
                DELETE FROM message_attachments WHERE message_id IN (SELECT id FROM tombstone)
            ),
            search AS (
                INSERT INTO search_refresh (room_id, message_id) SELECT room_id, id FROM tombstone
            )
            DELETE FROM message_reactions WHERE message_id IN (SELECT id FROM tombstone)
            """)
    void delete(@Bind("roomId") List<String> roomIds, @Bind("messageId") List<String> messageIds,
            @Bind("time") List<String> times);

    @SqlBatch("""
            INSERT INTO message_reactions (message_id, emoji, user_id, created_at)
            SELECT m.id, :emoji, :userId, CAST(:time AS timestamptz) FROM messages m
            WHERE m.id = :messageId AND m.room_id = :roomId AND m.deleted_at IS NULL
            ON CONFLICT (message_id, emoji, user_id) DO NOTHING
            """)
    void addReaction(@Bind("roomId") List<String> roomIds, @Bind("messageId") List<String> messageIds,
            @Bind("userId") List<String> userIds, @Bind("emoji") List<String> emojis, @Bind("time") List<String> times);

    @SqlBatch("""
            DELETE FROM message_reactions r USING messages m
            WHERE r.message_id = :messageId AND r.emoji = :emoji AND r.user_id = :userId
              AND m.id = r.message_id AND m.room_id = :roomId
            """)
    void removeReaction(@Bind("roomId") List<String> roomIds, @Bind("messageId") List<String> messageIds,
            @Bind("userId") List<String> userIds, @Bind("emoji") List<String> emojis);
}
