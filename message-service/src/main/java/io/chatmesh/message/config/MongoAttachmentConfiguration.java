package io.chatmesh.message.config;

import com.mongodb.client.MongoClient;
import io.chatmesh.message.domain.AttachmentStore;
import io.chatmesh.message.domain.BlobStore;
import io.chatmesh.message.store.GridFsBlobStore;
import io.chatmesh.message.store.MongoAttachmentStore;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** chatmesh.message.store=mongodb: attachment metadata beside the messages, content in GridFS. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnMessageStore(MessageStoreKind.MONGODB)
class MongoAttachmentConfiguration {

    @Bean
    AttachmentStore attachmentStore(MongoClient client, MongoStoreProperties mongo) {
        MongoAttachmentStore store = new MongoAttachmentStore(client.getDatabase(mongo.database()));
        store.createIndexes();
        return store;
    }

    @Bean
    BlobStore blobStore(MongoClient client, MongoStoreProperties mongo) {
        GridFsBlobStore blobs = new GridFsBlobStore(client.getDatabase(mongo.database()));
        blobs.createIndexes();
        return blobs;
    }
}
