package io.chatmesh.message.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.mongodb.MongoClientSettings;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MongoStorePropertiesTest {

    @Test
    void configuredTimeoutsAndPoolSizesTakePrecedenceOverTheUri() {
        MongoStoreProperties properties = new MongoStoreProperties(
                "mongodb://db1.example:27017,db2.example:27017/?replicaSet=rs0&connectTimeoutMS=1&maxPoolSize=3",
                "chatmesh", Duration.ofSeconds(4), Duration.ofSeconds(6), Duration.ofSeconds(7), 25, 2,
                Duration.ofMillis(1500));

        MongoClientSettings settings = properties.clientSettings();

        assertThat(settings.getSocketSettings().getConnectTimeout(TimeUnit.MILLISECONDS)).isEqualTo(4000);
        assertThat(settings.getSocketSettings().getReadTimeout(TimeUnit.MILLISECONDS)).isEqualTo(7000);
        assertThat(settings.getClusterSettings().getServerSelectionTimeout(TimeUnit.MILLISECONDS)).isEqualTo(6000);
        assertThat(settings.getConnectionPoolSettings().getMaxSize()).isEqualTo(25);
        assertThat(settings.getConnectionPoolSettings().getMinSize()).isEqualTo(2);
        assertThat(settings.getConnectionPoolSettings().getMaxWaitTime(TimeUnit.MILLISECONDS)).isEqualTo(1500);
        // what only the URI says is kept
        assertThat(settings.getClusterSettings().getRequiredReplicaSetName()).isEqualTo("rs0");
        assertThat(settings.getClusterSettings().getHosts()).hasSize(2);
    }

    @Test
    void aBlankUriIsRefusedNamingThePropertyAndItsEnvironmentVariable() {
        IllegalArgumentException e = catchThrowableOfType(IllegalArgumentException.class, () -> new MongoStoreProperties(
                " ", "chatmesh", Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(10), 20, 0,
                Duration.ofSeconds(5)));

        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("chatmesh.message.mongodb.uri").contains("CHATMESH_MESSAGE_MONGODB_URI");
    }

    @Test
    void aMinimumPoolAboveTheMaximumIsRefused() {
        IllegalArgumentException e = catchThrowableOfType(IllegalArgumentException.class, () -> new MongoStoreProperties(
                "mongodb://127.0.0.1", "chatmesh", Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(10),
                5, 6, Duration.ofSeconds(5)));

        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("chatmesh.message.mongodb.min-pool-size");
    }
}
