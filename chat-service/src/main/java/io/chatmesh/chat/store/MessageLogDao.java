package io.chatmesh.chat.store;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.argument.Argument;
import org.jdbi.v3.sqlobject.config.KeyColumn;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.config.ValueColumn;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** SQL of the message log (table message_log) and of the rooms' seq counters and published seqs. */
@RegisterConstructorMapper(MessageLogDao.Appended.class)
@RegisterConstructorMapper(MessageLogDao.Logged.class)
public interface MessageLogDao {

    /**
     * One post's outcome.
     *
     * @param outcome LOGGED (seq is new), EARLIER (the sender's client_id was logged before:
     *        its seq and message), NOT_MEMBER (of a PUBLIC room), NOT_MEMBER_HIDDEN_ROOM (of a room
     *        that is unknown or not PUBLIC), BAD_REPLY_TO or BAD_THREAD_ROOT (the reference
     *        names no logged message of the room), or RACED (logged at the same moment by
     *        another transaction; read it again)
     */
    record Appended(int position, String outcome, Long seq, byte[] message) {}

    /** A logged message: its seq and its bytes (a chatmesh.message.v1.Message without seq). */
    record Logged(long seq, byte[] message) {}

    /**
     * Logs posts in one statement (one commit): posts whose (sender, client_id) is logged
     * answer with that; posts of non-members, and posts referring to a message that is not in
     * their room's log, are skipped; the others get consecutive seqs per
     * room in position order. The rooms are locked in id order first (as relays lock them), so
     * concurrent appends and relays of other instances cannot deadlock, and every room's seqs
     * are taken in commit order.
     */
    @SqlQuery("""
            WITH post AS (
                SELECT *
                FROM unnest(CAST(:roomIds AS text[]), CAST(:senderIds AS text[]), CAST(:clientIds AS text[]),
                            CAST(:messageIds AS text[]), CAST(:messages AS bytea[]),
                            CAST(:createTimes AS timestamptz[]), CAST(:replyToIds AS text[]),
                            CAST(:threadRootIds AS text[]))
                     WITH ORDINALITY AS p (room_id, sender_id, client_id, message_id, message, created_at,
                                           reply_to_id, thread_root_id, position)
            ),
            earlier AS (
                SELECT p.position, l.seq, l.message
                FROM post p
                JOIN message_log l ON l.sender_id = p.sender_id AND l.client_id = p.client_id
            ),
            checked AS (
                SELECT p.*,
                       EXISTS (SELECT 1 FROM members m WHERE m.room_id = p.room_id AND m.user_id = p.sender_id)
                           AS member,
                       p.reply_to_id = '' OR EXISTS (SELECT 1 FROM message_log r
                                                     WHERE r.message_id = p.reply_to_id AND r.room_id = p.room_id)
                           AS reply_to_ok,
                       p.thread_root_id = '' OR EXISTS (SELECT 1 FROM message_log r
                                                        WHERE r.message_id = p.thread_root_id AND r.room_id = p.room_id)
                           AS thread_root_ok
                FROM post p
                WHERE NOT EXISTS (SELECT 1 FROM earlier e WHERE e.position = p.position)
            ),
            fresh AS (
                SELECT * FROM checked WHERE member AND reply_to_ok AND thread_root_ok
            ),
            counted AS (
                SELECT room_id, count(*) AS posts, max(created_at) AS last_at FROM fresh GROUP BY room_id
            ),
            locked AS (
                SELECT r.id FROM rooms r WHERE r.id IN (SELECT room_id FROM counted) ORDER BY r.id FOR NO KEY UPDATE
            ),
            taken AS (
                UPDATE rooms r
                SET last_seq = r.last_seq + c.posts, last_activity_at = GREATEST(r.last_activity_at, c.last_at)
                FROM counted c
                WHERE r.id = c.room_id AND r.id IN (SELECT id FROM locked)
                RETURNING r.id, r.last_seq - c.posts AS seq_before
            ),
            numbered AS (
                SELECT f.*, t.seq_before + row_number() OVER (PARTITION BY f.room_id ORDER BY f.position) AS seq
                FROM fresh f
                JOIN taken t ON t.id = f.room_id
            ),
            inserted AS (
                INSERT INTO message_log (sender_id, client_id, room_id, message_id, seq, message, created_at)
                SELECT sender_id, client_id, room_id, message_id, seq, message, created_at FROM numbered
                ON CONFLICT (sender_id, client_id) DO NOTHING
                RETURNING sender_id, client_id, seq
            )
            SELECT p.position,
                   CASE WHEN e.position IS NOT NULL THEN 'EARLIER'
                        WHEN NOT c.member AND EXISTS (SELECT 1 FROM rooms r WHERE r.id = c.room_id AND r.kind = 'PUBLIC')
                            THEN 'NOT_MEMBER'
                        WHEN NOT c.member THEN 'NOT_MEMBER_HIDDEN_ROOM'
                        WHEN NOT c.reply_to_ok THEN 'BAD_REPLY_TO'
                        WHEN NOT c.thread_root_ok THEN 'BAD_THREAD_ROOT'
                        WHEN i.seq IS NULL THEN 'RACED'
                        ELSE 'LOGGED' END AS outcome,
                   COALESCE(e.seq, i.seq) AS seq, e.message
            FROM post p
            LEFT JOIN earlier e ON e.position = p.position
            LEFT JOIN checked c ON c.position = p.position
            LEFT JOIN inserted i ON i.sender_id = p.sender_id AND i.client_id = p.client_id
            ORDER BY p.position
            """)
    List<Appended> append(@Bind("roomIds") String[] roomIds, @Bind("senderIds") String[] senderIds,
            @Bind("clientIds") String[] clientIds, @Bind("messageIds") String[] messageIds,
            @Bind("messages") Argument messages, @Bind("createTimes") String[] createTimes,
            @Bind("replyToIds") String[] replyToIds, @Bind("threadRootIds") String[] threadRootIds);

    @SqlQuery("SELECT seq, message FROM message_log WHERE sender_id = :senderId AND client_id = :clientId")
    Optional<Logged> find(@Bind("senderId") String senderId, @Bind("clientId") String clientId);

    /** Locks the rooms (in id order, like {@link #append}) and reads how far each is published. */
    @SqlQuery("SELECT id, last_message_seq FROM rooms WHERE id = ANY(:roomIds) ORDER BY id FOR NO KEY UPDATE")
    @KeyColumn("id")
    @ValueColumn("last_message_seq")
    Map<String, Long> lockPublishedSeqs(@Bind("roomIds") String[] roomIds);

    @SqlQuery("""
            SELECT seq, message FROM message_log
            WHERE room_id = :roomId AND seq > :afterSeq AND seq <= :upToSeq
            ORDER BY seq
            LIMIT :limit
            """)
    List<Logged> logged(@Bind("roomId") String roomId, @Bind("afterSeq") long afterSeq,
            @Bind("upToSeq") long upToSeq, @Bind("limit") int limit);

    @SqlUpdate("""
            UPDATE rooms r SET last_message_seq = p.seq
            FROM unnest(CAST(:roomIds AS text[]), CAST(:seqs AS bigint[])) AS p (room_id, seq)
            WHERE r.id = p.room_id AND r.last_message_seq < p.seq
            """)
    void markPublished(@Bind("roomIds") String[] roomIds, @Bind("seqs") Long[] seqs);

    @SqlQuery("""
            SELECT r.id FROM rooms r
            WHERE EXISTS (SELECT 1 FROM message_log l WHERE l.room_id = r.id AND l.seq > r.last_message_seq)
            """)
    List<String> roomsWithUnpublishedMessages();
}
