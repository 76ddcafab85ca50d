package io.chatmesh.message.store;

import io.chatmesh.message.domain.RoomUnread;
import java.util.List;
import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/**
 * SQL of read markers and unread counts for {@link JdbiMessageStore}. Unread counts come from
 * counters, not from counting a room's messages: its message count and each sender's up to the
 * room's counted_seq (folded in the background, {@link RoomFolds}) plus the few
 * messages stored after it, and with each marker how many of the room's messages, and of the
 * user's own, are at or below it (kept here as the marker moves).
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
                SELECT LEAST(:seq, COALESCE((SELECT max(seq) FROM messages WHERE room_id = :roomId), 0)) AS seq
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
     * lookups, the messages stored after the room's counted_seq (a short range of the (room_id,
     * seq) index: at most one fold interval's worth), the newest seq (one index probe) and a
     * range of the user's mentions past the marker.
     */
    @SqlQuery("""
            SELECT r.room_id,
                   COALESCE(c.message_count, 0) - COALESCE(s.message_count, 0)
                       - (COALESCE(rm.read_count, 0) - COALESCE(rm.own_read_count, 0))
                       + (SELECT count(*) FROM messages m
                          WHERE m.room_id = r.room_id AND m.seq > COALESCE(c.counted_seq, 0)
                            AND m.sender_id <> :userId) AS unread_count,
                   COALESCE(rm.last_read_seq, 0) AS last_read_seq,
                   COALESCE((SELECT max(m.seq) FROM messages m WHERE m.room_id = r.room_id), 0) AS last_message_seq,
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

    /**
     * A counter row at 0 for each room that has none, so that {@link #foldCounters} can lock it;
     * in room id order, like the lock, so that folds of two instances cannot deadlock.
     */
    @SqlUpdate("""
            INSERT INTO room_message_counts (room_id, message_count, counted_seq)
            SELECT room_id, 0, 0 FROM unnest(CAST(:roomIds AS text[])) AS r (room_id)
            ORDER BY room_id
            ON CONFLICT (room_id) DO NOTHING
            """)
    void createCounters(@Bind("roomIds") String[] roomIds);

    /**
     * Adds the messages stored after each room's counted_seq to the room's and their senders'
     * counters and moves counted_seq to the newest of them. The counter rows are locked (in id
     * order) first, so folds racing on other instances count each message once; messages of a
     * room are stored in seq order, so those visible past counted_seq are exactly the ones still
     * to be counted. The ORDER BY keeps the lateral subquery from being flattened into a join,
     * which the planner answered with a scan of all messages (100 ms at 300,000 rows) instead of
     * a short range of (room_id, seq) per room.
     */
    @SqlUpdate("""
            WITH counted AS (
                SELECT room_id, counted_seq FROM room_message_counts
                WHERE room_id = ANY(CAST(:roomIds AS text[]))
                ORDER BY room_id
                FOR UPDATE
            ),
            fresh AS (
                SELECT c.room_id, m.sender_id, m.seq
                FROM counted c
                CROSS JOIN LATERAL (SELECT sender_id, seq FROM messages
                                    WHERE room_id = c.room_id AND seq > c.counted_seq
                                    ORDER BY seq) m
            ),
            senders AS (
                INSERT INTO room_sender_counts AS s (room_id, sender_id, message_count)
                SELECT room_id, sender_id, count(*) FROM fresh GROUP BY room_id, sender_id
                ON CONFLICT (room_id, sender_id) DO UPDATE SET message_count = s.message_count + EXCLUDED.message_count
            )
            UPDATE room_message_counts rc
            SET message_count = rc.message_count + f.messages, counted_seq = f.newest
            FROM (SELECT room_id, count(*) AS messages, max(seq) AS newest FROM fresh GROUP BY room_id) f
            WHERE rc.room_id = f.room_id
            """)
    void foldCounters(@Bind("roomIds") String[] roomIds);
}
