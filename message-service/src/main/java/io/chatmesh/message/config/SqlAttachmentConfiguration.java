package io.chatmesh.message.config;

import io.chatmesh.message.domain.AttachmentStore;
import io.chatmesh.message.domain.BlobStore;
import io.chatmesh.message.store.FileBlobStore;
import io.chatmesh.message.store.JdbiAttachmentStore;
import java.nio.file.Path;
import org.jdbi.v3.core.Jdbi;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** chatmesh.message.store=sql: attachment metadata in PostgreSQL, content in files under a directory. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnMessageStore(MessageStoreKind.SQL)
class SqlAttachmentConfiguration {

    @Bean
    AttachmentStore attachmentStore(Jdbi jdbi) {
        return new JdbiAttachmentStore(jdbi);
    }

    @Bean
    BlobStore blobStore(AttachmentProperties properties) {
        String directory = properties.directory();
        if (directory == null || directory.isBlank()) {
            throw new IllegalStateException(AttachmentProperties.PREFIX
                    + ".directory (env CHATMESH_ATTACHMENTS_DIR) is required when " + MessageStoreKind.PROPERTY + "=sql");
        }
        return new FileBlobStore(Path.of(directory));
    }
}
