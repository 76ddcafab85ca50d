package io.chatmesh.message.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.mongodb.MongoClientSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

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
        Throwable failure = catchThrowable(() -> bind(Map.of("uri", " ")));

        assertThat(failure).rootCause().isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class, invalid -> {
            assertThat(invalid.getName()).isEqualTo("chatmesh.message.mongodb.uri");
            assertThat(invalid.getReason()).contains("CHATMESH_MESSAGE_MONGODB_URI");
        });
    }

    @ParameterizedTest
    @CsvSource({"database, ' '", "connect-timeout, 0s", "server-selection-timeout, 0s", "read-timeout, -1s",
            "max-pool-size, 0", "min-pool-size, 21", "min-pool-size, -1", "max-wait-time, -1s"})
    void aValueOutOfRangeIsRefusedNamingItsSetting(String setting, String value) {
        Throwable failure = catchThrowable(() -> bind(Map.of(setting, value)));

        assertThat(failure).rootCause().isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class,
                invalid -> assertThat(invalid.getName()).isEqualTo("chatmesh.message.mongodb." + setting));
    }

    @Test
    void theDefaultsAreInRange() {
        MongoStoreProperties defaults = bind(Map.of());

        assertThat(defaults.maxPoolSize()).isEqualTo(20);
        assertThat(defaults.maxWaitTime()).isEqualTo(Duration.ofSeconds(5));
    }

    /** Binds message-service.properties' MongoDB defaults, a URI and {@code overrides} (names without the prefix). */
    private static MongoStoreProperties bind(Map<String, String> overrides) {
        Map<String, String> settings = new HashMap<>();
        try (InputStream in = MongoStorePropertiesTest.class.getResourceAsStream("/message-service.properties")) {
            Properties defaults = new Properties();
            defaults.load(in);
            defaults.stringPropertyNames().stream().filter(name -> name.startsWith(MongoStoreProperties.PREFIX + "."))
                    .forEach(name -> settings.put(name, defaults.getProperty(name)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        settings.put(MongoStoreProperties.PREFIX + ".uri", "mongodb://127.0.0.1");
        overrides.forEach((name, value) -> settings.put(MongoStoreProperties.PREFIX + "." + name, value));
        return new Binder(new MapConfigurationPropertySource(settings))
                .bindOrCreate(MongoStoreProperties.PREFIX, MongoStoreProperties.class);
    }
}
