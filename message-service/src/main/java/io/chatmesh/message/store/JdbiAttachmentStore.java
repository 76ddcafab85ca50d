package io.chatmesh.message.store;

import io.chatmesh.message.domain.AttachmentStore;
import io.chatmesh.message.domain.AttachmentUpload;
import io.chatmesh.platform.db.SqlObjects;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;

/** {@link AttachmentStore} on PostgreSQL (table attachment_uploads), beside {@link JdbiMessageStore}. */
public final class JdbiAttachmentStore implements AttachmentStore {

    private final AttachmentDao dao;

    public JdbiAttachmentStore(Jdbi jdbi) {
        this.dao = SqlObjects.attachOnce(jdbi, AttachmentDao.class);
    }

    @Override
    public void create(AttachmentUpload upload) {
        dao.insert(upload, text(upload.createTime()), text(upload.expireTime()));
    }

    @Override
    public Optional<AttachmentUpload> find(String id) {
        return dao.find(id);
    }

    @Override
    public long countOpenUploads(String uploaderId, Instant now) {
        return dao.countOpen(uploaderId, text(now));
    }

    @Override
    public boolean advance(String id, long fromSize, long toSize, Instant expireTime) {
        return dao.advance(id, fromSize, toSize, text(expireTime)) == 1;
    }

    @Override
    public boolean finish(String id, String sha256, Instant expireTime) {
        return dao.finish(id, sha256, text(expireTime)) == 1;
    }

    @Override
    public boolean claim(String id, String clientId) {
        return dao.claim(id, clientId) == 1;
    }

    @Override
    public void release(String id, String clientId, Instant expireTime) {
        dao.release(id, clientId, text(expireTime));
    }

    @Override
    public Set<String> postedAmong(Collection<String> ids) {
        return ids.isEmpty() ? Set.of() : Set.copyOf(dao.postedAmong(ids));
    }

    @Override
    public List<String> attachmentIdsOf(String messageId) {
        return dao.attachmentIdsOf(messageId);
    }

    @Override
    public List<String> expired(Instant now, int limit) {
        return dao.expired(text(now), limit);
    }

    @Override
    public void delete(String id) {
        dao.delete(id);
    }

    /** Times travel as ISO-8601 text, to the millisecond (what every store keeps). */
    private static String text(Instant time) {
        return time == null ? null : time.truncatedTo(ChronoUnit.MILLIS).toString();
    }
}
