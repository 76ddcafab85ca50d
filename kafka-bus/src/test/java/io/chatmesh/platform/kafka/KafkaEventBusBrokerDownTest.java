package io.chatmesh.platform.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.chatmesh.platform.id.Ids;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * A publish never hangs and never reports success without a broker: its future fails within
 * the configured timeouts. Kafka's own defaults (max.block.ms 60 s, delivery.timeout.ms 120 s)
 * would still be waiting when these tests give up.
 */
class KafkaEventBusBrokerDownTest {

    private static final Duration GIVE_UP = Duration.ofSeconds(30);

    private static KafkaBusSettings quickToFail(String bootstrapServers) {
        return KafkaBusSettings.of(bootstrapServers)
                .withPublishTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(1))
                .withApiTimeout(Duration.ofSeconds(2));
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void publishWithNoBrokerReachableFails() throws Exception {
        try (KafkaEventBus bus = new KafkaEventBus(quickToFail("127.0.0.1:" + closedPort()).withTopics(false, List.of()))) {
            CompletableFuture<Void> published = bus.publish("chatmesh.room-events", "room", "event".getBytes(UTF_8));

            assertThat(published).failsWithin(GIVE_UP).withThrowableOfType(Exception.class)
                    .havingRootCause().isInstanceOf(TimeoutException.class);
        }
    }

    @Test
    void publishAfterTheBrokerStoppedFails() throws Exception {
        String topic = "test." + Ids.newId();
        TestKafkaCluster kafka = TestKafkaCluster.start();
        try (KafkaEventBus bus = new KafkaEventBus(quickToFail(kafka.bootstrapServers()).withTopics(true, List.of(topic)))) {
            assertThat(bus.publish(topic, "room", "before".getBytes(UTF_8))).succeedsWithin(GIVE_UP);

            kafka.close();
            CompletableFuture<Void> published = bus.publish(topic, "room", "after".getBytes(UTF_8));

            assertThat(published).failsWithin(GIVE_UP).withThrowableOfType(Exception.class)
                    .havingRootCause().isInstanceOf(TimeoutException.class);
        } finally {
            kafka.close();
        }
    }

    @Test
    void publishOnAClosedBusFails() throws Exception {
        KafkaEventBus bus = new KafkaEventBus(quickToFail("127.0.0.1:" + closedPort()).withTopics(false, List.of()));
        bus.close();

        assertThat(bus.publish("chatmesh.room-events", "room", "event".getBytes(UTF_8))).isCompletedExceptionally();
    }
}
