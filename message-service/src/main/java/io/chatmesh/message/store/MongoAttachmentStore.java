package io.chatmesh.message.store;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import io.chatmesh.message.domain.AttachmentStore;
import io.chatmesh.message.domain.AttachmentUpload;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * {@link AttachmentStore} on MongoDB: one document per upload in {@value #UPLOADS}, beside
 * {@link MongoMessageStore}'s collections; "posted" is read from the messages' embedded
 * attachments. Single-document conditional updates only (no transactions needed).
 */
public final class MongoAttachmentStore implements AttachmentStore {

    static final String UPLOADS = "attachment_uploads";
    static final String EXPIRY_INDEX = "expire_time";
    static final String OPEN_INDEX = "uploader_open";
    static final String POSTED_INDEX = "attachment_id";

    private static final String ID = "_id";
    private static final String UPLOADER_ID = "uploader_id";
    private static final String ROOM_ID = "room_id";
    private static final String FILE_NAME = "file_name";
    private static final String CONTENT_TYPE = "content_type";
    private static final String SIZE_BYTES = "size_bytes";
    private static final String WIDTH = "width";
    private static final String HEIGHT = "height";
    private static final String COMMITTED_SIZE = "committed_size";
    private static final String SHA256 = "sha256";
    private static final String CLAIM_CLIENT_ID = "claim_client_id";
    private static final String CREATE_TIME = "create_time";
    private static final String EXPIRE_TIME = "expire_time";

    private static final String MESSAGE_ATTACHMENT_ID = MessageDocuments.ATTACHMENTS + "." + MessageDocuments.ATTACHMENT_ID;

    private final MongoCollection<Document> uploads;
    private final MongoCollection<Document> messages;

    public MongoAttachmentStore(MongoDatabase database) {
        this.uploads = database.getCollection(UPLOADS);
        this.messages = database.getCollection(MessageDocuments.MESSAGES);
    }

    /** Creates the indexes this store relies on (also one on the messages' attachment ids); existing ones stay. */
    public void createIndexes() {
        uploads.createIndex(Indexes.ascending(EXPIRE_TIME), new IndexOptions().name(EXPIRY_INDEX));
        uploads.createIndex(Indexes.ascending(UPLOADER_ID, SHA256), new IndexOptions().name(OPEN_INDEX));
        messages.createIndex(Indexes.ascending(MESSAGE_ATTACHMENT_ID), new IndexOptions().name(POSTED_INDEX));
    }

    @Override
    public void create(AttachmentUpload u) {
        Document doc = new Document(ID, u.id())
                .append(UPLOADER_ID, u.uploaderId())
                .append(ROOM_ID, u.roomId())
                .append(FILE_NAME, u.fileName())
                .append(CONTENT_TYPE, u.contentType())
                .append(SIZE_BYTES, u.sizeBytes())
                .append(WIDTH, u.width())
                .append(HEIGHT, u.height())
                .append(COMMITTED_SIZE, u.committedSize())
                .append(CREATE_TIME, Date.from(u.createTime()));
        if (u.expireTime() != null) {
            doc.append(EXPIRE_TIME, Date.from(u.expireTime()));
        }
        uploads.insertOne(doc);
    }

    @Override
    public Optional<AttachmentUpload> find(String id) {
        return Optional.ofNullable(uploads.find(Filters.eq(ID, id)).first()).map(MongoAttachmentStore::toUpload);
    }

    @Override
    public long countOpenUploads(String uploaderId, Instant now) {
        return uploads.countDocuments(Filters.and(Filters.eq(UPLOADER_ID, uploaderId), Filters.exists(SHA256, false),
                Filters.gt(EXPIRE_TIME, Date.from(now))));
    }

    @Override
    public boolean advance(String id, long fromSize, long toSize, Instant expireTime) {
        return uploads.updateOne(
                Filters.and(Filters.eq(ID, id), Filters.eq(COMMITTED_SIZE, fromSize), Filters.exists(SHA256, false)),
                Updates.combine(Updates.set(COMMITTED_SIZE, toSize), Updates.set(EXPIRE_TIME, Date.from(expireTime))))
                .getMatchedCount() == 1;
    }

    @Override
    public boolean finish(String id, String sha256, Instant expireTime) {
        Document upload = uploads.find(Filters.eq(ID, id)).first();
        if (upload == null) {
            return false;
        }
        return uploads.updateOne(
                Filters.and(Filters.eq(ID, id), Filters.exists(SHA256, false),
                        Filters.eq(COMMITTED_SIZE, MessageDocuments.longValue(upload, SIZE_BYTES))),
                Updates.combine(Updates.set(SHA256, sha256), Updates.set(EXPIRE_TIME, Date.from(expireTime))))
                .getMatchedCount() == 1;
    }

    @Override
    public boolean claim(String id, String clientId) {
        Bson claimable = Filters.or(Filters.exists(CLAIM_CLIENT_ID, false), Filters.eq(CLAIM_CLIENT_ID, clientId));
        return uploads.updateOne(Filters.and(Filters.eq(ID, id), Filters.exists(SHA256, true), claimable),
                Updates.combine(Updates.set(CLAIM_CLIENT_ID, clientId), Updates.unset(EXPIRE_TIME)))
                .getMatchedCount() == 1;
    }

    @Override
    public void release(String id, String clientId, Instant expireTime) {
        uploads.updateOne(Filters.and(Filters.eq(ID, id), Filters.eq(CLAIM_CLIENT_ID, clientId)),
                Updates.combine(Updates.unset(CLAIM_CLIENT_ID), Updates.set(EXPIRE_TIME, Date.from(expireTime))));
    }

    @Override
    public Set<String> postedAmong(Collection<String> ids) {
        if (ids.isEmpty()) {
            return Set.of();
        }
        Set<String> posted = new HashSet<>();
        messages.find(Filters.and(Filters.in(MESSAGE_ATTACHMENT_ID, ids),
                        Filters.exists(MessageDocuments.DELETE_TIME, false)))
                .projection(Projections.include(MESSAGE_ATTACHMENT_ID))
                .forEach(message -> message.getList(MessageDocuments.ATTACHMENTS, Document.class, List.of())
                        .forEach(a -> posted.add(a.getString(MessageDocuments.ATTACHMENT_ID))));
        posted.retainAll(Set.copyOf(ids)); // the messages carry other attachments too
        return posted;
    }

    @Override
    public List<String> attachmentIdsOf(String messageId) {
        Document message = messages.find(Filters.eq(MessageDocuments.ID, messageId))
                .projection(Projections.include(MessageDocuments.ATTACHMENTS)).first();
        if (message == null) {
            return List.of();
        }
        return message.getList(MessageDocuments.ATTACHMENTS, Document.class, List.of()).stream()
                .map(a -> a.getString(MessageDocuments.ATTACHMENT_ID)).toList();
    }

    @Override
    public List<String> expired(Instant now, int limit) {
        List<String> ids = new ArrayList<>();
        uploads.find(Filters.lte(EXPIRE_TIME, Date.from(now))).sort(Sorts.ascending(EXPIRE_TIME)).limit(limit)
                .projection(Projections.include(ID))
                .forEach(doc -> ids.add(doc.getString(ID)));
        return ids;
    }

    @Override
    public void delete(String id) {
        uploads.deleteOne(Filters.eq(ID, id));
    }

    private static AttachmentUpload toUpload(Document doc) {
        Date expire = doc.getDate(EXPIRE_TIME);
        return new AttachmentUpload(doc.getString(ID), doc.getString(UPLOADER_ID), doc.getString(ROOM_ID),
                doc.getString(FILE_NAME), doc.getString(CONTENT_TYPE), MessageDocuments.longValue(doc, SIZE_BYTES),
                Math.toIntExact(MessageDocuments.longValue(doc, WIDTH)),
                Math.toIntExact(MessageDocuments.longValue(doc, HEIGHT)),
                MessageDocuments.longValue(doc, COMMITTED_SIZE), doc.getString(SHA256), doc.getString(CLAIM_CLIENT_ID),
                doc.getDate(CREATE_TIME).toInstant(), expire == null ? null : expire.toInstant());
    }
}
