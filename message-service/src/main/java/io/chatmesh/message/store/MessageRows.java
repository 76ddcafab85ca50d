package io.chatmesh.message.store;

import io.chatmesh.message.domain.Attachment;
import io.chatmesh.message.domain.Mentions;
import io.chatmesh.message.domain.Message;
import io.chatmesh.message.domain.ReactionSummary;
import io.chatmesh.message.domain.RoomUnread;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;

/** Rows of the message tables and their mappers (public only because Jdbi instantiates the mappers reflectively). */
public final class MessageRows {

    /** message_mentions.mentioned of a mention of the whole room (user ids are ULIDs: never this). */
    static final String ROOM_MENTION = "@room";

    private MessageRows() {}

    /** A messages row; attachments and reactions come from their own tables. */
    record MessageRow(String id, String roomId, long seq, String senderId, String clientId, String text,
            String replyToId, String threadRootId, int threadReplyCount, Instant threadLastReplyTime,
            Instant createTime, Instant editTime, Instant deleteTime) {

        Message toMessage(List<Attachment> attachments, List<ReactionSummary> reactions, Mentions mentions) {
            return new Message(id, roomId, seq, senderId, clientId, text, replyToId, threadRootId, threadReplyCount,
                    threadLastReplyTime, attachments, reactions, createTime, editTime, deleteTime, mentions);
        }
    }

    record AttachmentRow(String messageId, Attachment attachment) {}

    record ReactionRow(String messageId, ReactionSummary reaction) {}

    /** One mention of a message: a user id or {@link #ROOM_MENTION}. */
    record MentionRow(String messageId, String mentioned) {}

    record RoomSeqRow(String roomId, long lastSeq) {}

    public static final class MessageRowMapper implements RowMapper<MessageRow> {
        @Override
        public MessageRow map(ResultSet rs, StatementContext ctx) throws SQLException {
            return new MessageRow(rs.getString("id"), rs.getString("room_id"), rs.getLong("seq"),
                    rs.getString("sender_id"), rs.getString("client_id"), rs.getString("text"),
                    rs.getString("reply_to_id"), rs.getString("thread_root_id"), rs.getInt("thread_reply_count"),
                    instant(rs, "thread_last_reply_at"), instant(rs, "created_at"), instant(rs, "edited_at"), instant(rs, "deleted_at"));
        }
    }

    public static final class AttachmentRowMapper implements RowMapper<AttachmentRow> {
        @Override
        public AttachmentRow map(ResultSet rs, StatementContext ctx) throws SQLException {
            return new AttachmentRow(rs.getString("message_id"), new Attachment(rs.getString("attachment_id"),
                    rs.getString("file_name"), rs.getString("content_type"), rs.getLong("size_bytes"),
                    rs.getString("sha256"), rs.getInt("width"), rs.getInt("height")));
        }
    }

    public static final class ReactionRowMapper implements RowMapper<ReactionRow> {
        @Override
        public ReactionRow map(ResultSet rs, StatementContext ctx) throws SQLException {
            Array users = rs.getArray("sample_user_ids");
            try {
                return new ReactionRow(rs.getString("message_id"), new ReactionSummary(rs.getString("emoji"),
                        rs.getInt("reaction_count"), Arrays.asList((String[]) users.getArray())));
            } finally {
                users.free();
            }
        }
    }

    public static final class RoomUnreadMapper implements RowMapper<RoomUnread> {
        @Override
        public RoomUnread map(ResultSet rs, StatementContext ctx) throws SQLException {
            return new RoomUnread(rs.getString("room_id"), rs.getLong("unread_count"), rs.getLong("last_read_seq"),
                    rs.getLong("last_message_seq"), rs.getLong("mention_count"));
        }
    }

    public static final class MentionRowMapper implements RowMapper<MentionRow> {
        @Override
        public MentionRow map(ResultSet rs, StatementContext ctx) throws SQLException {
            return new MentionRow(rs.getString("message_id"), rs.getString("mentioned"));
        }
    }

    public static final class RoomSeqRowMapper implements RowMapper<RoomSeqRow> {
        @Override
        public RoomSeqRow map(ResultSet rs, StatementContext ctx) throws SQLException {
            return new RoomSeqRow(rs.getString("room_id"), rs.getLong("last_seq"));
        }
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime time = rs.getObject(column, OffsetDateTime.class);
        return time == null ? null : time.toInstant();
    }
}
