package io.chatmesh.message.config;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.chatmesh.message.domain.MessageStore;
import io.chatmesh.message.store.MongoMessageStore;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * chatmesh.message.store=mongodb: messages in MongoDB. No DataSource exists then (see
 * {@link MessageStoreEnvironmentPostProcessor}). Startup creates the indexes, so it fails when
 * MongoDB cannot be reached within the server selection timeout.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnMessageStore(MessageStoreKind.MONGODB)
@EnableConfigurationProperties(MongoStoreProperties.class)
class MongoMessageStoreConfiguration {

    @Bean(destroyMethod = "close")
    MongoClient messageMongoClient(MongoStoreProperties mongo) {
        return MongoClients.create(mongo.clientSettings());
    }

    @Bean
    MessageStore messageStore(MongoClient client, MongoStoreProperties mongo) {
        MongoMessageStore store = new MongoMessageStore(client.getDatabase(mongo.database()));
        store.createIndexes();
        return store;
    }
}
