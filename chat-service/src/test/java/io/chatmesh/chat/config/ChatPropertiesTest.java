package io.chatmesh.chat.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.chatmesh.chat.ChatServiceApplication;
import io.chatmesh.chat.SkipTestConfigurations;
import io.chatmesh.testkit.TestPostgres;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * A chat-service setting out of its range, or a publish timeout not longer than the Kafka
 * delivery timeout, stops startup naming the setting; the defaults are in range.
 */
class ChatPropertiesTest {

    @Test
    void theDefaultsAreInRange() {
        ChatProperties defaults = bind(Map.of());

        assertThat(defaults.sendBatchMax()).isEqualTo(1000);
        assertThat(defaults.sendLinger()).isEqualTo(Duration.ofMillis(20));
    }

    @ParameterizedTest
    @CsvSource({
            "heartbeat-interval, 0s", "hello-timeout, -1s", "session-queue-capacity, 0", "session-starts-max, 0",
            "typing-interval, -1ms", "publish-timeout, 0s", "users-deadline, 0s", "history-deadline, -2s",
            "history-catch-up-timeout, 0s", "replay-stall-timeout, 0s", "send-rate, -1", "send-rate, NaN",
            "send-burst, 0", "send-queue-capacity, 0", "send-batch-max, 0", "send-linger, -20ms",
            "send-linger-batch, -1", "relay-retry-interval, 0s", "relay-sweep-interval, 0s",
            "presence-heartbeat, 0s", "presence-coalesce, -1ms", "presence-room-limit, -1"})
    void aValueOutOfRangeIsRefusedNamingItsSetting(String setting, String value) {
        Throwable failure = catchThrowable(() -> bind(Map.of("chatmesh.chat." + setting, value)));

        assertThat(failure).rootCause().isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class,
                invalid -> assertThat(invalid.getName()).isEqualTo("chatmesh.chat." + setting));
    }

    @ParameterizedTest
    @CsvSource({"typing-interval, 0s", "send-rate, 0", "send-linger, 0s", "send-linger-batch, 0",
            "presence-coalesce, 0s", "presence-room-limit, 0"})
    void zeroIsAllowedWhereItMeansNone(String setting, String value) {
        assertThat(bind(Map.of("chatmesh.chat." + setting, value))).isNotNull();
    }

    @Test
    void chatServiceDoesNotStartWithOne() {
        assertThat(startupFailure("--chatmesh.chat.send-batch-max=0")).rootCause()
                .isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class,
                        invalid -> assertThat(invalid.getName()).isEqualTo("chatmesh.chat.send-batch-max"));
    }

    /** The publish timeout must outlast the Kafka delivery timeout. */
    @Test
    void aPublishTimeoutNotLongerThanTheKafkaDeliveryTimeoutStopsStartup() {
        // equal to the default publish timeout (10s): not longer, so refused
        assertThat(startupFailure("--chatmesh.bus.kafka.delivery-timeout=10s")).rootCause()
                .isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class,
                        invalid -> assertThat(invalid.getName()).isEqualTo("chatmesh.chat.publish-timeout"));
    }

    /** What starting chat-service with these settings (and a database of its own) threw. */
    private static Throwable startupFailure(String... settings) {
        List<String> args = new ArrayList<>(List.of("--spring.grpc.server.port=0",
                "--spring.datasource.url=" + TestPostgres.newDatabase(),
                "--spring.datasource.username=" + TestPostgres.USER,
                "--spring.datasource.password=" + TestPostgres.PASSWORD,
                "--spring.grpc.client.channels.users.address=static://127.0.0.1:9",
                "--spring.grpc.client.channels.messages.address=static://127.0.0.1:9",
                "--spring.main.banner-mode=off"));
        args.addAll(List.of(settings));
        return catchThrowable(() -> ChatServiceApplication.builder()
                .initializers(ctx -> ctx.getBeanFactory().registerSingleton("skipTestConfigurations",
                        new SkipTestConfigurations()))
                .run(args.toArray(String[]::new)));
    }

    private static ChatProperties bind(Map<String, String> settings) {
        return new Binder(new MapConfigurationPropertySource(settings)).bindOrCreate("chatmesh.chat", ChatProperties.class);
    }
}
