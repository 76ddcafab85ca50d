package io.chatmesh.message.config;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import io.chatmesh.platform.config.SettingChecks;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@value #PREFIX}.*: the MongoDB store (chatmesh.message.store=mongodb). The values in
 * message-service.properties are the defaults; the URI has none and may carry credentials, so it
 * comes from the environment.
 *
 * @param uri connection string ({@code mongodb://} or {@code mongodb+srv://}); required
 * @param database the database holding the collections
 * @param connectTimeout how long opening a connection may take
 * @param serverSelectionTimeout how long an operation waits for a suitable server (e.g. during a failover)
 * @param readTimeout how long a socket read may block, bounding every operation
 * @param maxPoolSize connections per server at most
 * @param minPoolSize connections per server kept open
 * @param maxWaitTime how long an operation waits for a free pooled connection
 */
@ConfigurationProperties(MongoStoreProperties.PREFIX)
public record MongoStoreProperties(
        String uri,
        String database,
        Duration connectTimeout,
        Duration serverSelectionTimeout,
        Duration readTimeout,
        Integer maxPoolSize,
        Integer minPoolSize,
        Duration maxWaitTime) {

    public static final String PREFIX = "chatmesh.message.mongodb";

    public MongoStoreProperties {
        SettingChecks settings = new SettingChecks(PREFIX);
        settings.require("uri", uri, uri != null && !uri.isBlank(),
                "is required (env CHATMESH_MESSAGE_MONGODB_URI) when " + MessageStoreKind.PROPERTY + "=mongodb");
        settings.require("database", database, database != null && !database.isBlank(), "must not be blank");
        settings.positive("connect-timeout", connectTimeout);
        settings.positive("server-selection-timeout", serverSelectionTimeout);
        settings.positive("read-timeout", readTimeout);
        settings.present("max-pool-size", maxPoolSize);
        settings.atLeastOne("max-pool-size", maxPoolSize);
        settings.present("min-pool-size", minPoolSize);
        settings.require("min-pool-size", minPoolSize, minPoolSize >= 0 && minPoolSize <= maxPoolSize,
                "must be 0 up to max-pool-size");
        settings.notNegative("max-wait-time", maxWaitTime);
    }

    /** The client settings: the URI's, with the timeouts and pool sizes configured here taking precedence. */
    public MongoClientSettings clientSettings() {
        return MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(uri))
                .applicationName("chatmesh-message-service")
                .applyToSocketSettings(socket -> socket
                        .connectTimeout(Math.toIntExact(connectTimeout.toMillis()), TimeUnit.MILLISECONDS)
                        .readTimeout(Math.toIntExact(readTimeout.toMillis()), TimeUnit.MILLISECONDS))
                .applyToClusterSettings(cluster -> cluster
                        .serverSelectionTimeout(serverSelectionTimeout.toMillis(), TimeUnit.MILLISECONDS))
                .applyToConnectionPoolSettings(pool -> pool
                        .maxSize(maxPoolSize)
                        .minSize(minPoolSize)
                        .maxWaitTime(maxWaitTime.toMillis(), TimeUnit.MILLISECONDS))
                .build();
    }
}
