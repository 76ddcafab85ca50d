package io.chatmesh.message.store;

import io.chatmesh.message.domain.RoomUnread;
import java.util.List;
import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/**
 * SQL of read markers and unread counts for {@link JdbiMessageStore}. Unread counts come from
 * counters, not from counting messages: a room's message count and each sender's (kept by the
 * persister's INSERT, {@link MessageInserts}), and with each marker how many of the room's
 * messages, and of the user's own, are at or below it (kept here as the marker moves).
 */
@RegisterRowMapper(MessageRows.RoomUnreadMapper.class)
interface ReadStateDao {

    /** A marker at 0 (nothing read, nothing counted) unless the user has one. */
    @SqlUpdate("""
            INSERT INTO read_markers (room_id, user_id, last_read_seq, read_count, own_read_count)
            VALUES (:roomId, :userId, 0, 0, 0)
            ON CONFLICT (room_id, user_id) DO NOTHING
            """)
    void createMarker(@Bind("roomId") String roomId, @Bind("userId") String userId);

    /**
     * Moves the marker (which must exist) forward to {@code seq}, never past the room's newest
     * stored message, adding the messages it passes to the marker's counts. Only the messages
     * between the old and the new marker are counted (a range of the (room_id, seq) index), so a
     * user who reads as messages come pays for what they read; a user's first marker in a room
     * counts the room up to it, once. The row is locked while it moves, so concurrent moves
     * count each message once.
     *
     * @return the marker afterwards
     */
    @SqlQuery("""
            WITH target AS (
                SELECT LEAST(:seq, COALESCE((SELECT last_seq FROM room_message_counts WHERE room_id = :roomId), 0))
                           AS seq
            ),
            moved AS (
                UPDATE read_markers rm
                SET (last_read_seq, read_count, own_read_count) =
                    (SELECT max(t.seq), rm.read_count + count(m.seq),
                            rm.own_read_count + count(m.seq) FILTER (WHERE m.sender_id = rm.user_id)
                     FROM target t
                     LEFT JOIN messages m ON m.room_id = rm.room_id AND m.seq > rm.last_read_seq AND m.seq <= t.seq)
                WHERE rm.room_id = :roomId AND rm.user_id = :userId AND rm.last_read_seq < (SELECT seq FROM target)
                RETURNING rm.last_read_seq
            )
            SELECT last_read_seq FROM moved
            UNION ALL
            SELECT last_read_seq FROM read_markers
            WHERE room_id = :roomId AND user_id = :userId AND NOT EXISTS (SELECT 1 FROM moved)
            """)
    long moveMarker(@Bind("roomId") String roomId, @Bind("userId") String userId, @Bind("seq") long seq);

    /**
     * Rooms in the order given; markers and counts default to 0. Per room: three primary-key
     * lookups and a range of the user's mentions past the marker.
     */
    @SqlQuery("""
            SELECT r.room_id,
                   COALESCE(c.message_count, 0) - COALESCE(rm.read_count, 0)
                       - (COALESCE(s.message_count, 0) - COALESCE(rm.own_read_count, 0)) AS unread_count,
                   COALESCE(rm.last_read_seq, 0) AS last_read_seq,
                   COALESCE(c.last_seq, 0) AS last_message_seq,
                   (SELECT count(DISTINCT mn.seq) FROM message_mentions mn
                     WHERE mn.room_id = r.room_id AND mn.mentioned IN (:userId, '@room')
                       AND mn.seq > COALESCE(rm.last_read_seq, 0) AND mn.sender_id <> :userId) AS mention_count
            FROM unnest(CAST(:roomIds AS text[])) WITH ORDINALITY AS r (room_id, position)
            LEFT JOIN read_markers rm ON rm.room_id = r.room_id AND rm.user_id = :userId
            LEFT JOIN room_message_counts c ON c.room_id = r.room_id
            LEFT JOIN room_sender_counts s ON s.room_id = r.room_id AND s.sender_id = :userId
            ORDER BY r.position
            """)
    List<RoomUnread> unread(@Bind("userId") String userId, @Bind("roomIds") String[] roomIds);
}
