package io.chatmesh.chat.store;

import java.time.OffsetDateTime;
import java.util.List;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlBatch;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** SQL of {@link JdbiChangeLog}: the message_changes table and what a change checks and scrubs. */
@RegisterConstructorMapper(ChangeLogDao.RoomKind.class)
@RegisterConstructorMapper(ChangeLogDao.Role.class)
@RegisterConstructorMapper(ChangeLogDao.Target.class)
@RegisterConstructorMapper(ChangeLogDao.SeqsTaken.class)
@RegisterConstructorMapper(ChangeLogDao.ChangeRow.class)
public interface ChangeLogDao {

    record RoomKind(String id, String kind) {}

    record Role(String roomId, String userId, String role) {}

    /** A logged message a change names. */
    record Target(String messageId, String roomId, String senderId, long seq, byte[] message, boolean deleted) {}

    record SeqsTaken(String id, long seqBefore) {}

    /** A logged change with the bytes of the message it changes (for an edit's event). */
    record ChangeRow(String roomId, long seq, String changeId, String kind, String actorId, String messageId,
            String text, String emoji, boolean added, OffsetDateTime createdAt, long messageSeq, byte[] message) {}

    /** Locks the rooms as the message log's append and relay do (id order), and reads their kinds. */
    @SqlQuery("SELECT id, kind FROM rooms WHERE id = ANY(:ids) ORDER BY id FOR NO KEY UPDATE")
    List<RoomKind> lockRooms(@Bind("ids") String[] roomIds);

    @SqlQuery("""
            SELECT m.room_id, m.user_id, m.role
            FROM unnest(CAST(:roomIds AS text[]), CAST(:userIds AS text[])) AS p (room_id, user_id)
            JOIN members m ON m.room_id = p.room_id AND m.user_id = p.user_id
            """)
    List<Role> roles(@Bind("roomIds") String[] roomIds, @Bind("userIds") String[] userIds);

    @SqlQuery("""
            SELECT message_id, room_id, sender_id, seq, message, deleted_at IS NOT NULL AS deleted
            FROM message_log WHERE message_id = ANY(:ids)
            """)
    List<Target> targets(@Bind("ids") String[] messageIds);

    /** Takes {@code counts[i]} seqs of room {@code roomIds[i]}; the rooms must be locked. */
    @SqlQuery("""
            UPDATE rooms r SET last_seq = r.last_seq + c.n
            FROM unnest(CAST(:roomIds AS text[]), CAST(:counts AS bigint[])) AS c (room_id, n)
            WHERE r.id = c.room_id
            RETURNING r.id, r.last_seq - c.n AS seq_before
            """)
    List<SeqsTaken> takeSeqs(@Bind("roomIds") String[] roomIds, @Bind("counts") long[] counts);

    @SqlBatch("""
            INSERT INTO message_changes (room_id, seq, change_id, kind, actor_id, message_id, text, emoji, added,
                                         created_at)
            VALUES (:roomId, :seq, :changeId, :kind, :actorId, :messageId, :text, :emoji, :added,
                    CAST(:createdAt AS timestamptz))
            """)
    void insert(@Bind("roomId") List<String> roomIds, @Bind("seq") List<Long> seqs,
            @Bind("changeId") List<String> changeIds, @Bind("kind") List<String> kinds,
            @Bind("actorId") List<String> actorIds, @Bind("messageId") List<String> messageIds,
            @Bind("text") List<String> texts, @Bind("emoji") List<String> emojis, @Bind("added") List<Boolean> added,
            @Bind("createdAt") List<String> createdAts);

    /** The deleted message's log row becomes its tombstone. */
    @SqlBatch("""
            UPDATE message_log SET message = :tombstone, deleted_at = CAST(:deletedAt AS timestamptz)
            WHERE message_id = :messageId
            """)
    void tombstone(@Bind("messageId") List<String> messageIds, @Bind("tombstone") List<byte[]> tombstones,
            @Bind("deletedAt") List<String> deletedAts);

    /** Deleted text leaves the log: the text of the messages' edits too. */
    @SqlUpdate("UPDATE message_changes SET text = '' WHERE message_id = ANY(:ids) AND kind = 'EDIT' AND text <> ''")
    void scrubEdits(@Bind("ids") String[] messageIds);

    String CHANGE_COLUMNS = """
            c.room_id, c.seq, c.change_id, c.kind, c.actor_id, c.message_id, c.text, c.emoji, c.added, c.created_at,
            l.seq AS message_seq, l.message
            """;

    @SqlQuery("SELECT " + CHANGE_COLUMNS + """
            FROM message_changes c JOIN message_log l ON l.message_id = c.message_id
            WHERE c.room_id = :roomId AND c.seq > :afterSeq AND c.seq <= :upToSeq
            ORDER BY c.seq
            LIMIT :limit
            """)
    List<ChangeRow> changes(@Bind("roomId") String roomId, @Bind("afterSeq") long afterSeq,
            @Bind("upToSeq") long upToSeq, @Bind("limit") int limit);

    @SqlQuery("SELECT COALESCE(max(seq), 0) FROM message_log WHERE room_id = :roomId AND seq <= :upToSeq")
    long newestMessageSeq(@Bind("roomId") String roomId, @Bind("upToSeq") long upToSeq);
}
