package io.chatmesh.chat.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.chatmesh.chat.ChatServiceApplication;
import io.chatmesh.chat.SkipTestConfigurations;
import io.chatmesh.testkit.TestPostgres;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/** The publish timeout must outlast the Kafka delivery timeout, or chat-service does not start. */
class PublishTimeoutTest {

    @Test
    void aPublishTimeoutNotLongerThanTheKafkaDeliveryTimeoutStopsStartup() {
        Throwable failure = catchThrowable(() -> ChatServiceApplication.builder()
                .initializers(ctx -> ctx.getBeanFactory().registerSingleton("skipTestConfigurations",
                        new SkipTestConfigurations()))
                .run("--spring.grpc.server.port=0",
                        "--spring.datasource.url=" + TestPostgres.newDatabase(),
                        "--spring.datasource.username=" + TestPostgres.USER,
                        "--spring.datasource.password=" + TestPostgres.PASSWORD,
                        "--spring.grpc.client.channels.users.address=static://127.0.0.1:9",
                        "--spring.grpc.client.channels.messages.address=static://127.0.0.1:9",
                        "--spring.main.banner-mode=off",
                        // equal to the default publish timeout (10s): not longer, so refused
                        "--chatmesh.bus.kafka.delivery-timeout=10s"));

        assertThat(failure).rootCause().isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class,
                invalid -> assertThat(invalid.getName()).isEqualTo("chatmesh.chat.publish-timeout"));
    }
}
