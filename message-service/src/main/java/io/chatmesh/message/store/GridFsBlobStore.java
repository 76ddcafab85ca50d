package io.chatmesh.message.store;

import com.mongodb.MongoGridFSException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.gridfs.GridFSBucket;
import com.mongodb.client.gridfs.GridFSBuckets;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Sorts;
import io.chatmesh.message.domain.BlobStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.util.Enumeration;
import java.util.HexFormat;
import org.bson.BsonString;
import org.bson.Document;
import org.bson.types.Binary;

/**
 * {@link BlobStore} in MongoDB: sealed content in the GridFS bucket {@value #BUCKET} (file id =
 * attachment id), so it is replicated and backed up with the messages. GridFS files cannot be
 * appended to, so an upload's chunks wait as documents of {@value #PARTS} (one per chunk, by
 * offset) until the seal copies them into GridFS and removes them.
 */
public final class GridFsBlobStore implements BlobStore {

    static final String BUCKET = "attachments";
    static final String PARTS = "attachment_parts";

    private static final String UPLOAD_ID = "upload_id";
    private static final String OFFSET = "offset";
    private static final String DATA = "data";

    private final GridFSBucket bucket;
    private final MongoCollection<Document> parts;

    public GridFsBlobStore(MongoDatabase database) {
        this.bucket = GridFSBuckets.create(database, BUCKET);
        this.parts = database.getCollection(PARTS);
    }

    public void createIndexes() {
        parts.createIndex(Indexes.ascending(UPLOAD_ID, OFFSET), new IndexOptions().name("upload_offset").unique(true));
    }

    @Override
    public void write(String id, long offset, byte[] data) {
        parts.deleteMany(Filters.and(Filters.eq(UPLOAD_ID, id), Filters.gte(OFFSET, offset)));
        parts.insertOne(new Document(UPLOAD_ID, id).append(OFFSET, offset).append(DATA, new Binary(data)));
    }

    @Override
    public String sha256(String id, long size) {
        MessageDigest digest = Sha256.newDigest();
        long left = size;
        for (Document part : parts.find(Filters.eq(UPLOAD_ID, id)).sort(Sorts.ascending(OFFSET))) {
            byte[] data = part.get(DATA, Binary.class).getData();
            int used = (int) Math.min(data.length, left);
            digest.update(data, 0, used);
            left -= used;
            if (left == 0) {
                break;
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Copies the parts into one GridFS file; a seal repeated after a crash replaces a half-written file. */
    @Override
    public void seal(String id, long size) {
        deleteSealed(id);
        try (InputStream content = partsStream(id, size)) {
            bucket.uploadFromStream(new BsonString(id), id, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        parts.deleteMany(Filters.eq(UPLOAD_ID, id));
    }

    @Override
    public InputStream open(String id) {
        return bucket.openDownloadStream(new BsonString(id));
    }

    @Override
    public void delete(String id) {
        parts.deleteMany(Filters.eq(UPLOAD_ID, id));
        deleteSealed(id);
    }

    private void deleteSealed(String id) {
        try {
            bucket.delete(new BsonString(id));
        } catch (MongoGridFSException notThere) {
            // nothing sealed under this id
        }
    }

    /** The parts' bytes in order, the first {@code size} of them, read one part at a time. */
    private InputStream partsStream(String id, long size) {
        MongoCursor<Document> cursor = parts.find(Filters.eq(UPLOAD_ID, id)).sort(Sorts.ascending(OFFSET)).iterator();
        long[] left = {size};
        Enumeration<InputStream> pieces = new Enumeration<>() {
            @Override
            public boolean hasMoreElements() {
                return left[0] > 0 && cursor.hasNext();
            }

            @Override
            public InputStream nextElement() {
                byte[] data = cursor.next().get(DATA, Binary.class).getData();
                int used = (int) Math.min(data.length, left[0]);
                left[0] -= used;
                return new ByteArrayInputStream(data, 0, used);
            }
        };
        return new SequenceInputStream(pieces) {
            @Override
            public void close() throws IOException {
                cursor.close();
                super.close();
            }
        };
    }
}
