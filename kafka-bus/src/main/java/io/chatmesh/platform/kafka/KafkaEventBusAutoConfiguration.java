package io.chatmesh.platform.kafka;

import io.chatmesh.platform.bus.EventBus;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * With {@code chatmesh.bus.type=kafka}, the service's {@link EventBus} is a {@link KafkaEventBus}
 * configured from {@code chatmesh.bus.kafka.*} (see {@link KafkaBusSettings} for each property
 * and its default). Runs before the platform auto-configuration, whose in-process bus only
 * steps in when no bus is defined.
 */
@AutoConfiguration(beforeName = "io.chatmesh.platform.ChatmeshPlatformAutoConfiguration")
@ConditionalOnProperty(name = "chatmesh.bus.type", havingValue = "kafka")
public class KafkaEventBusAutoConfiguration {

    static final String PREFIX = "chatmesh.bus.kafka";
    static final String BOOTSTRAP_SERVERS = PREFIX + ".bootstrap-servers";

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(EventBus.class)
    KafkaEventBus kafkaEventBus(Environment environment, ObjectProvider<MeterRegistry> registry) {
        Binder binder = Binder.get(environment);
        String bootstrapServers = binder.bind(BOOTSTRAP_SERVERS, String.class).orElse(null);
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new InvalidConfigurationPropertyValueException(BOOTSTRAP_SERVERS, bootstrapServers,
                    "required when chatmesh.bus.type=kafka: set it (or the environment variable"
                            + " CHATMESH_BUS_KAFKA_BOOTSTRAP_SERVERS) to the brokers' host:port list");
        }
        return new KafkaEventBus(binder.bind(PREFIX, KafkaBusSettings.class).get(),
                registry.getIfAvailable(SimpleMeterRegistry::new));
    }
}
