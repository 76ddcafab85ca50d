package io.chatmesh.message.store;

import io.chatmesh.message.domain.Attachment;
import io.chatmesh.message.domain.Message;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindList;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.customizer.Define;
import org.jdbi.v3.sqlobject.statement.SqlBatch;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** SQL for {@link JdbiMessageStore}. */
@RegisterRowMapper(MessageRows.MessageRowMapper.class)
@RegisterRowMapper(MessageRows.AttachmentRowMapper.class)
@RegisterRowMapper(MessageRows.ReactionRowMapper.class)
@RegisterRowMapper(MessageRows.MentionRowMapper.class)
@RegisterRowMapper(MessageRows.RoomSeqRowMapper.class)
interface MessageDao {

    String MESSAGE_COLUMNS = """
            m.id, m.room_id, m.seq, m.sender_id, m.client_id, m.text, m.reply_to_id, m.thread_root_id,
            m.created_at, m.edited_at, m.deleted_at,
            thread.reply_count AS thread_reply_count, thread.last_reply_at AS thread_last_reply_at
            """;

    /** The thread of each message m (as a root), for MESSAGE_COLUMNS; an index scan of the root's replies. */
    String THREAD_JOIN = """
             CROSS JOIN LATERAL (SELECT count(*) AS reply_count, max(r.created_at) AS last_reply_at
                                 FROM messages r WHERE r.thread_root_id = m.id AND r.room_id = m.room_id) AS thread
            """;

    @SqlQuery("SELECT id FROM messages WHERE id = ANY(:ids)")
    List<String> existingIds(@Bind("ids") String[] ids);

    @SqlBatch("""
            INSERT INTO message_attachments (message_id, position, attachment_id, file_name, content_type,
                                             size_bytes, sha256, width, height)
            VALUES (:messageId, :position, :a.id, :a.fileName, :a.contentType, :a.sizeBytes, :a.sha256, :a.width,
                    :a.height)
            """)
    void insertAttachments(@Bind("messageId") String messageId, @Bind("position") List<Integer> positions,
            @BindMethods("a") List<Attachment> attachments);

    @SqlQuery("SELECT " + MESSAGE_COLUMNS + " FROM messages m" + THREAD_JOIN + "WHERE m.id = :id")
    Optional<MessageRows.MessageRow> find(@Bind("id") String id);

    @SqlQuery("SELECT " + MESSAGE_COLUMNS + " FROM messages m" + THREAD_JOIN + """
            WHERE m.room_id = :roomId AND m.seq > :afterSeq AND (:withReplies OR m.thread_root_id IS NULL)
            ORDER BY m.seq
            LIMIT :limit
            """)
    List<MessageRows.MessageRow> pageForward(@Bind("roomId") String roomId, @Bind("afterSeq") long afterSeq,
            @Bind("limit") int limit, @Bind("withReplies") boolean withThreadReplies);

    @SqlQuery("SELECT " + MESSAGE_COLUMNS + " FROM messages m" + THREAD_JOIN + """
            WHERE m.room_id = :roomId AND m.seq < :beforeSeq AND (:withReplies OR m.thread_root_id IS NULL)
            ORDER BY m.seq DESC
            LIMIT :limit
            """)
    List<MessageRows.MessageRow> pageBackward(@Bind("roomId") String roomId, @Bind("beforeSeq") long beforeSeq,
            @Bind("limit") int limit, @Bind("withReplies") boolean withThreadReplies);

    @SqlQuery("SELECT " + MESSAGE_COLUMNS + " FROM messages m" + THREAD_JOIN + """
            WHERE m.thread_root_id = :rootId AND m.room_id = :roomId AND m.seq > :afterSeq
            ORDER BY m.seq
            LIMIT :limit
            """)
    List<MessageRows.MessageRow> threadPage(@Bind("roomId") String roomId, @Bind("rootId") String rootId,
            @Bind("afterSeq") long afterSeq, @Bind("limit") int limit);

    /** The query's words as the full-text match sees them ('simple' configuration: split and lowercased). */
    @SqlQuery("SELECT unnest(tsvector_to_array(to_tsvector('simple', :query)))")
    List<String> searchWords(@Bind("query") String query);

    /**
     * Words in any order (full-text, 'simple' configuration) or the query as a substring
     * (ILIKE), newest first after an optional cursor. Candidates are the rooms' search rows
     * (answered from message_search's trigram index: the substring, or every indexed word as a
     * substring — wordIndexMatch, from {@link JdbiMessageStore#search} — rechecked by the
     * full-text match), their messages stored after the index's last fold (indexed_seq: at most
     * one fold interval's worth, a range of the (room_id, seq) index) and their messages changed
     * since (the refresh queue); every candidate is matched against the message's current text,
     * so a search is exact before the fold catches up.
     */
    @SqlQuery("SELECT " + MESSAGE_COLUMNS + " FROM messages m" + THREAD_JOIN + """
            WHERE m.id IN (
                    SELECT s.message_id FROM message_search s
                    WHERE s.room_id = ANY(:roomIds)
                      AND (s.text ILIKE :substring
                           OR (<wordIndexMatch> to_tsvector('simple', s.text) @@ plainto_tsquery('simple', :query)))
                    UNION ALL
                    SELECT tail.id FROM unnest(CAST(:roomIds AS text[])) AS r (room_id)
                    CROSS JOIN LATERAL (
                        SELECT id FROM messages
                        WHERE room_id = r.room_id
                          AND seq > COALESCE((SELECT indexed_seq FROM room_message_counts c
                                              WHERE c.room_id = r.room_id), 0)) tail
                    UNION ALL
                    SELECT q.message_id FROM search_refresh q WHERE q.room_id = ANY(:roomIds))
              AND m.room_id = ANY(:roomIds) AND m.deleted_at IS NULL
              AND (to_tsvector('simple', m.text) @@ plainto_tsquery('simple', :query)
                   OR m.text ILIKE :substring)
              AND (CAST(:afterTime AS timestamptz) IS NULL
                   OR (m.created_at, m.id) < (CAST(:afterTime AS timestamptz), :afterId))
            ORDER BY m.created_at DESC, m.id DESC
            LIMIT :limit
            """)
    List<MessageRows.MessageRow> search(@Bind("roomIds") String[] roomIds, @Bind("query") String query,
            @Bind("substring") String substringPattern, @Define("wordIndexMatch") String wordIndexMatch,
            @Bind("words") String[] wordPatterns, @Bind("afterTime") String afterTime,
            @Bind("afterId") String afterId, @Bind("limit") int limit);

    @SqlQuery("""
            SELECT message_id, attachment_id, file_name, content_type, size_bytes, sha256, width, height
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

    /** Whom each message mentions, in the sender's order (a mention of the room last). */
    @SqlQuery("""
            SELECT message_id, mentioned
            FROM message_mentions
            WHERE message_id IN (<messageIds>)
            ORDER BY message_id, position
            """)
    List<MessageRows.MentionRow> mentions(@BindList("messageIds") List<String> messageIds);

    @SqlQuery("""
            SELECT room_id, max(seq) AS last_seq
            FROM messages
            WHERE room_id IN (<roomIds>)
            GROUP BY room_id
            """)
    List<MessageRows.RoomSeqRow> lastSeqs(@BindList("roomIds") List<String> roomIds);
}
