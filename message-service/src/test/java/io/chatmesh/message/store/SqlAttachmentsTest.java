package io.chatmesh.message.store;

import io.chatmesh.message.domain.AttachmentStore;
import io.chatmesh.message.domain.AttachmentsContract;
import io.chatmesh.message.domain.BlobStore;
import io.chatmesh.message.domain.MessageStore;
import io.chatmesh.testkit.TestPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** Attachments on the SQL store's adapters: PostgreSQL (migrated by the service's scripts) and files. */
class SqlAttachmentsTest extends AttachmentsContract {

    private static JdbiMessageStore messages;
    private static JdbiAttachmentStore store;

    @TempDir
    static Path directory;

    private static FileBlobStore blobs;

    @BeforeAll
    static void migrate() throws IOException {
        String url = TestPostgres.newDatabase();
        Flyway.configure().dataSource(url, TestPostgres.USER, TestPostgres.PASSWORD)
                .locations("classpath:db/migration/message-service").load().migrate();
        Jdbi jdbi = Jdbi.create(url, TestPostgres.USER, TestPostgres.PASSWORD)
                .installPlugin(new SqlObjectPlugin())
                .installPlugin(new PostgresPlugin());
        messages = new JdbiMessageStore(jdbi);
        store = new JdbiAttachmentStore(jdbi);
        blobs = new FileBlobStore(Files.createDirectories(directory.resolve("attachments")));
    }

    @Override
    protected AttachmentStore attachmentStore() {
        return store;
    }

    @Override
    protected BlobStore blobStore() {
        return blobs;
    }

    @Override
    protected MessageStore messageStore() {
        return messages;
    }
}
