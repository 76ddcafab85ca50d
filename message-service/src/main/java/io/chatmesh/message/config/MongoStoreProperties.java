package io.chatmesh.message.config;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
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
        if (uri == null || uri.isBlank()) {
            throw new IllegalArgumentException(PREFIX + ".uri (env CHATMESH_MESSAGE_MONGODB_URI) is required when "
                    + MessageStoreKind.PROPERTY + "=mongodb");
        }
        require(database != null && !database.isBlank(), "database");
        require(connectTimeout != null, "connect-timeout");
        require(serverSelectionTimeout != null, "server-selection-timeout");
        require(readTimeout != null, "read-timeout");
        require(maxPoolSize != null && maxPoolSize > 0, "max-pool-size");
        require(minPoolSize != null && minPoolSize >= 0 && minPoolSize <= maxPoolSize, "min-pool-size");
        require(maxWaitTime != null, "max-wait-time");
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

    private static void require(boolean valid, String property) {
        if (!valid) {
            throw new IllegalArgumentException(PREFIX + "." + property + " is missing or out of range");
        }
    }
}
