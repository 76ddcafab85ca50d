package io.chatmesh.message.store;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import io.chatmesh.message.domain.AttachmentStore;
import io.chatmesh.message.domain.AttachmentsContract;
import io.chatmesh.message.domain.BlobStore;
import io.chatmesh.message.domain.MessageStore;
import io.chatmesh.platform.id.Ids;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;

/** Attachments on the MongoDB store's adapters (metadata documents, GridFS), a database per test. */
abstract class MongoAttachmentsTestBase extends AttachmentsContract {

    private MongoDatabase database;
    private MongoAttachmentStore store;
    private GridFsBlobStore blobs;
    private MongoMessageStore messages;

    protected abstract MongoClient client();

    /** Asked for first by every test: opens its database. */
    @Override
    protected AttachmentStore attachmentStore() {
        if (database == null) {
            database = client().getDatabase("chatmesh_test_" + Ids.newId().toLowerCase(Locale.ROOT));
            messages = new MongoMessageStore(database);
            messages.createIndexes();
            store = new MongoAttachmentStore(database);
            store.createIndexes();
            blobs = new GridFsBlobStore(database);
            blobs.createIndexes();
        }
        return store;
    }

    @Override
    protected BlobStore blobStore() {
        attachmentStore();
        return blobs;
    }

    @Override
    protected MessageStore messageStore() {
        attachmentStore();
        return messages;
    }

    @AfterEach
    void dropDatabase() {
        if (database != null) {
            database.drop();
            database = null;
        }
    }
}
