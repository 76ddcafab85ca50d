package io.chatmesh.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatmesh.platform.ChatmeshPlatformAutoConfiguration;
import io.chatmesh.platform.auth.AccessTokenVerifier;
import io.chatmesh.platform.bus.EventBus;
import io.chatmesh.platform.bus.InProcessEventBus;
import io.chatmesh.platform.error.ChatmeshException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * Wiring only: the bus is pointed at a closed port with topic creation off, so no broker is
 * needed (nothing connects until the first publish or subscribe).
 */
class KafkaEventBusAutoConfigurationTest {

    private static final String NO_BROKER = "127.0.0.1:1";

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    // listed platform-first: the runner must order them by their annotations
                    ChatmeshPlatformAutoConfiguration.class, KafkaEventBusAutoConfiguration.class))
            .withUserConfiguration(ServiceConfig.class);

    @Configuration(proxyBeanMethods = false)
    static class ServiceConfig {
        /** Stands in for the JWKS verifier, which would need a gRPC channel to user-service. */
        @Bean
        AccessTokenVerifier accessTokenVerifier() {
            return token -> {
                throw ChatmeshException.unauthenticated("no tokens in this test");
            };
        }
    }

    @Test
    void isRegisteredAsAnAutoConfiguration() {
        assertThat(ImportCandidates.load(AutoConfiguration.class, getClass().getClassLoader()).getCandidates())
                .contains(KafkaEventBusAutoConfiguration.class.getName());
    }

    @Test
    void withoutBusTypeKafkaThePlatformKeepsTheInProcessBus() {
        contextRunner
                .withPropertyValues("chatmesh.bus.kafka.bootstrap-servers=" + NO_BROKER)
                .run(context -> assertThat(context).getBean(EventBus.class).isInstanceOf(InProcessEventBus.class));
    }

    @Test
    void busTypeKafkaReplacesTheInProcessBusWithSettingsFromProperties() {
        contextRunner
                .withPropertyValues(
                        "chatmesh.bus.type=kafka",
                        "chatmesh.bus.kafka.bootstrap-servers=" + NO_BROKER,
                        "chatmesh.bus.kafka.create-topics=false",
                        "chatmesh.bus.kafka.instance-id=pod-7",
                        "chatmesh.bus.kafka.partitions=24",
                        "chatmesh.bus.kafka.replication-factor=3",
                        "chatmesh.bus.kafka.delivery-timeout=8s",
                        "chatmesh.bus.kafka.retry-backoff=250ms",
                        "chatmesh.bus.kafka.client-properties[security.protocol]=PLAINTEXT")
                .run(context -> {
                    assertThat(context).hasSingleBean(EventBus.class);
                    KafkaBusSettings settings = context.getBean(KafkaEventBus.class).settings();
                    assertThat(settings.bootstrapServers()).isEqualTo(NO_BROKER);
                    assertThat(settings.createTopics()).isFalse();
                    assertThat(settings.instanceId()).isEqualTo("pod-7");
                    assertThat(settings.partitions()).isEqualTo(24);
                    assertThat(settings.replicationFactor()).isEqualTo((short) 3);
                    assertThat(settings.deliveryTimeout()).isEqualTo(Duration.ofSeconds(8));
                    assertThat(settings.retryBackoff()).isEqualTo(Duration.ofMillis(250));
                    assertThat(settings.maxBlock()).isEqualTo(Duration.ofSeconds(5));
                    assertThat(settings.clientProperties()).containsExactly(Map.entry("security.protocol", "PLAINTEXT"));
                });
    }

    @Test
    void bootstrapServersCanComeFromTheEnvironmentVariable() {
        contextRunner
                .withPropertyValues("chatmesh.bus.type=kafka", "chatmesh.bus.kafka.create-topics=false")
                .withInitializer(context -> context.getEnvironment().getPropertySources().addFirst(
                        new SystemEnvironmentPropertySource("test-environment",
                                Map.of("CHATMESH_BUS_KAFKA_BOOTSTRAP_SERVERS", NO_BROKER))))
                .run(context -> assertThat(context.getBean(KafkaEventBus.class).settings().bootstrapServers())
                        .isEqualTo(NO_BROKER));
    }

    @Test
    void busTypeKafkaWithoutBootstrapServersFailsStartupNamingTheProperty() {
        contextRunner
                .withPropertyValues("chatmesh.bus.type=kafka")
                .run(context -> assertThat(context).getFailure()
                        .rootCause()
                        .isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class,
                                e -> assertThat(e.getName()).isEqualTo("chatmesh.bus.kafka.bootstrap-servers")));
    }
}
