package io.chatmesh.message.store;

import io.chatmesh.message.domain.AttachmentUpload;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindList;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** SQL for {@link JdbiAttachmentStore} (table attachment_uploads, V40). */
@RegisterRowMapper(AttachmentDao.UploadMapper.class)
interface AttachmentDao {

    @SqlUpdate("""
            INSERT INTO attachment_uploads (id, uploader_id, room_id, file_name, content_type, size_bytes, width, height,
                                            committed_size, created_at, expires_at)
            VALUES (:u.id, :u.uploaderId, :u.roomId, :u.fileName, :u.contentType, :u.sizeBytes, :u.width, :u.height,
                    :u.committedSize, CAST(:createdAt AS timestamptz), CAST(:expiresAt AS timestamptz))
            """)
    void insert(@BindMethods("u") AttachmentUpload upload, @Bind("createdAt") String createdAt,
            @Bind("expiresAt") String expiresAt);

    @SqlQuery("SELECT * FROM attachment_uploads WHERE id = :id")
    Optional<AttachmentUpload> find(@Bind("id") String id);

    @SqlQuery("""
            SELECT count(*) FROM attachment_uploads
            WHERE uploader_id = :uploaderId AND sha256 IS NULL AND expires_at > CAST(:now AS timestamptz)
            """)
    long countOpen(@Bind("uploaderId") String uploaderId, @Bind("now") String now);

    @SqlUpdate("""
            UPDATE attachment_uploads SET committed_size = :toSize, expires_at = CAST(:expiresAt AS timestamptz)
            WHERE id = :id AND committed_size = :fromSize AND sha256 IS NULL
            """)
    int advance(@Bind("id") String id, @Bind("fromSize") long fromSize, @Bind("toSize") long toSize,
            @Bind("expiresAt") String expiresAt);

    @SqlUpdate("""
            UPDATE attachment_uploads SET sha256 = :sha256, expires_at = CAST(:expiresAt AS timestamptz)
            WHERE id = :id AND sha256 IS NULL AND committed_size = size_bytes
            """)
    int finish(@Bind("id") String id, @Bind("sha256") String sha256, @Bind("expiresAt") String expiresAt);

    @SqlUpdate("""
            UPDATE attachment_uploads SET claim_client_id = :clientId, expires_at = NULL
            WHERE id = :id AND sha256 IS NOT NULL AND (claim_client_id IS NULL OR claim_client_id = :clientId)
            """)
    int claim(@Bind("id") String id, @Bind("clientId") String clientId);

    @SqlUpdate("""
            UPDATE attachment_uploads SET claim_client_id = NULL, expires_at = CAST(:expiresAt AS timestamptz)
            WHERE id = :id AND claim_client_id = :clientId
            """)
    void release(@Bind("id") String id, @Bind("clientId") String clientId, @Bind("expiresAt") String expiresAt);

    @SqlQuery("""
            SELECT DISTINCT a.attachment_id FROM message_attachments a JOIN messages m ON m.id = a.message_id
            WHERE a.attachment_id IN (<ids>) AND m.deleted_at IS NULL
            """)
    List<String> postedAmong(@BindList("ids") Collection<String> ids);

    @SqlQuery("SELECT attachment_id FROM message_attachments WHERE message_id = :messageId ORDER BY position")
    List<String> attachmentIdsOf(@Bind("messageId") String messageId);

    @SqlQuery("""
            SELECT id FROM attachment_uploads WHERE expires_at <= CAST(:now AS timestamptz)
            ORDER BY expires_at LIMIT :limit
            """)
    List<String> expired(@Bind("now") String now, @Bind("limit") int limit);

    @SqlUpdate("DELETE FROM attachment_uploads WHERE id = :id")
    void delete(@Bind("id") String id);

    final class UploadMapper implements RowMapper<AttachmentUpload> {
        @Override
        public AttachmentUpload map(ResultSet rs, StatementContext ctx) throws SQLException {
            return new AttachmentUpload(rs.getString("id"), rs.getString("uploader_id"), rs.getString("room_id"),
                    rs.getString("file_name"), rs.getString("content_type"), rs.getLong("size_bytes"),
                    rs.getInt("width"), rs.getInt("height"), rs.getLong("committed_size"), rs.getString("sha256"),
                    rs.getString("claim_client_id"), instant(rs.getTimestamp("created_at")),
                    instant(rs.getTimestamp("expires_at")));
        }

        private static Instant instant(Timestamp time) {
            return time == null ? null : time.toInstant();
        }
    }
}
