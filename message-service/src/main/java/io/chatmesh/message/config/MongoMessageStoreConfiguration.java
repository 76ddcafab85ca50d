package io.chatmesh.message.config;

import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.chatmesh.message.domain.MessageStore;
import io.chatmesh.message.store.MongoCommandMetrics;
import io.chatmesh.message.store.MongoMessageStore;
import io.chatmesh.platform.db.StoreMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
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
    MongoClient messageMongoClient(MongoStoreProperties mongo, ObjectProvider<MeterRegistry> registry) {
        StoreMetrics metrics = new StoreMetrics(registry.getIfAvailable(SimpleMeterRegistry::new), "mongodb");
        return MongoClients.create(MongoClientSettings.builder(mongo.clientSettings())
                .addCommandListener(new MongoCommandMetrics(metrics))
                .build());
    }

    @Bean
    MessageStore messageStore(MongoClient client, MongoStoreProperties mongo) {
        MongoMessageStore store = new MongoMessageStore(client.getDatabase(mongo.database()));
        store.createIndexes();
        return store;
    }
}
