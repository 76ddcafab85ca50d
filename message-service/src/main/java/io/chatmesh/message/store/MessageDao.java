package io.chatmesh.message.store;

import io.chatmesh.message.domain.Attachment;
import io.chatmesh.message.domain.Message;
import io.chatmesh.message.domain.RoomUnread;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindList;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlBatch;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** SQL for {@link JdbiMessageStore}. */
@RegisterRowMapper(MessageRows.MessageRowMapper.class)
@RegisterRowMapper(MessageRows.AttachmentRowMapper.class)
@RegisterRowMapper(MessageRows.ReactionRowMapper.class)
@RegisterRowMapper(MessageRows.RoomUnreadMapper.class)
@RegisterRowMapper(MessageRows.RoomSeqRowMapper.class)
interface MessageDao {

    String MESSAGE_COLUMNS = """
            m.id, m.room_id, m.seq, m.sender_id, m.client_id, m.text, m.reply_to_id, m.thread_root_id,
            m.created_at, m.edited_at, m.deleted_at,
            (SELECT count(*) FROM messages r WHERE r.thread_root_id = m.id AND r.room_id = m.room_id)
                AS thread_reply_count
            """;

    @SqlQuery("SELECT id FROM messages WHERE id = ANY(:ids)")
    List<String> existingIds(@Bind("ids") String[] ids);

    @SqlBatch("""
            INSERT INTO message_attachments (message_id, position, attachment_id, file_name, content_type,
                                             size_bytes, sha256)
            VALUES (:messageId, :position, :a.id, :a.fileName, :a.contentType, :a.sizeBytes, :a.sha256)
            """)
    void insertAttachments(@Bind("messageId") String messageId, @Bind("position") List<Integer> positions,
            @BindMethods("a") List<Attachment> attachments);

    @SqlQuery("SELECT " + MESSAGE_COLUMNS + " FROM messages m WHERE m.id = :id")
    Optional<MessageRows.MessageRow> find(@Bind("id") String id);

    @SqlQuery("SELECT " + MESSAGE_COLUMNS + """
            FROM messages m
            WHERE m.room_id = :roomId AND m.seq > :afterSeq
            ORDER BY m.seq
            LIMIT :limit
            """)
    List<MessageRows.MessageRow> pageForward(@Bind("roomId") String roomId, @Bind("afterSeq") long afterSeq,
            @Bind("limit") int limit);

    @SqlQuery("SELECT " + MESSAGE_COLUMNS + """
            FROM messages m
            WHERE m.room_id = :roomId AND m.seq < :beforeSeq
            ORDER BY m.seq DESC
            LIMIT :limit
            """)
    List<MessageRows.MessageRow> pageBackward(@Bind("roomId") String roomId, @Bind("beforeSeq") long beforeSeq,
            @Bind("limit") int limit);

    @SqlQuery("""
            SELECT message_id, attachment_id, file_name, content_type, size_bytes, sha256
            FROM message_attachments
            WHERE message_id IN (<messageIds>)
            ORDER BY message_id, position
            """)
    List<MessageRows.AttachmentRow> attachments(@BindList("messageIds") List<String> messageIds);

    /** One row per (message, emoji), emojis in the order they were first used. */
    @SqlQuery("""
            SELECT message_id, emoji, count(*) AS reaction_count,
                   array_agg(user_id ORDER BY created_at, user_id) FILTER (WHERE rank <= :maxSampleUsers)
                       AS sample_user_ids
            FROM (SELECT message_id, emoji, user_id, created_at,
                         row_number() OVER (PARTITION BY message_id, emoji ORDER BY created_at, user_id) AS rank
                  FROM message_reactions
                  WHERE message_id IN (<messageIds>)) AS reaction
            GROUP BY message_id, emoji
            ORDER BY message_id, min(created_at), emoji
            """)
    List<MessageRows.ReactionRow> reactions(@BindList("messageIds") List<String> messageIds,
            @Bind("maxSampleUsers") int maxSampleUsers);

    @SqlQuery("""
            INSERT INTO read_markers (room_id, user_id, last_read_seq)
            VALUES (:roomId, :userId, :seq)
            ON CONFLICT (room_id, user_id)
                DO UPDATE SET last_read_seq = GREATEST(read_markers.last_read_seq, EXCLUDED.last_read_seq)
            RETURNING last_read_seq
            """)
    long markRead(@Bind("roomId") String roomId, @Bind("userId") String userId, @Bind("seq") long seq);

    /** Rooms in the order given; markers and counts default to 0. */
    @SqlQuery("""
            SELECT r.room_id,
                   (SELECT count(*) FROM messages m
                     WHERE m.room_id = r.room_id AND m.seq > COALESCE(rm.last_read_seq, 0)
                       AND m.sender_id <> :userId) AS unread_count,
                   COALESCE(rm.last_read_seq, 0) AS last_read_seq,
                   COALESCE((SELECT max(m.seq) FROM messages m WHERE m.room_id = r.room_id), 0) AS last_message_seq
            FROM unnest(CAST(:roomIds AS text[])) WITH ORDINALITY AS r (room_id, position)
            LEFT JOIN read_markers rm ON rm.room_id = r.room_id AND rm.user_id = :userId
            ORDER BY r.position
            """)
    List<RoomUnread> unread(@Bind("userId") String userId, @Bind("roomIds") String[] roomIds);

    @SqlQuery("""
            SELECT room_id, max(seq) AS last_seq
            FROM messages
            WHERE room_id IN (<roomIds>)
            GROUP BY room_id
            """)
    List<MessageRows.RoomSeqRow> lastSeqs(@BindList("roomIds") List<String> roomIds);
}
