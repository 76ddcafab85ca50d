package io.chatmesh.platform.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chatmesh.platform.id.Ids;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A live subscription whose position stops being valid does not jump to the end of the log (as
 * a consumer with {@code auto.offset.reset=latest} does): it resumes as close to where it
 * stopped as the log allows. Here the events after its position are deleted from the broker
 * (as retention does) while its handler is busy.
 */
class KafkaEventBusLivePositionTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private static TestKafkaCluster kafka;
    private static Admin admin;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = TestKafkaCluster.start();
        admin = kafka.admin();
    }

    @AfterAll
    static void stopKafka() throws Exception {
        admin.close();
        kafka.close();
    }

    @Test
    void aPositionBelowTheOldestEventKeptResumesThereInsteadOfAtTheEnd() throws Exception {
        String topic = "test." + Ids.newId();
        // one partition; each fetch brings one record batch, so the subscriber's backlog stays on the broker
        KafkaBusSettings settings = new KafkaBusSettings(kafka.bootstrapServers(), null, "a", 1, null, true,
                List.of(topic), null, null, null, null, null,
                Map.of(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, "1"));
        List<Integer> received = new ArrayList<>();
        CountDownLatch busy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (KafkaEventBus bus = new KafkaEventBus(settings)) {
            bus.subscribeLive(topic, (key, payload) -> {
                int number = Integer.parseInt(new String(payload, UTF_8));
                synchronized (received) {
                    received.add(number);
                }
                if (number == 1) {
                    busy.countDown();
                    release.await(PATIENCE.toSeconds(), TimeUnit.SECONDS);
                }
            });
            publish(bus, topic, 1);
            assertThat(busy.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
            for (int n = 2; n <= 20; n++) {
                publish(bus, topic, n); // acknowledged one by one: one batch each
            }
            // events 1..14 (offsets 0..13) leave the log while the subscriber is still at event 1
            admin.deleteRecords(Map.of(new TopicPartition(topic, 0), RecordsToDelete.beforeOffset(14)))
                    .all().get(PATIENCE.toSeconds(), TimeUnit.SECONDS);

            release.countDown();
            publish(bus, topic, 21);
            await().atMost(PATIENCE).until(() -> {
                synchronized (received) {
                    return received.contains(21);
                }
            });
        }
        synchronized (received) {
            assertThat(received).startsWith(1).isSorted().doesNotHaveDuplicates()
                    .containsSequence(IntStream.rangeClosed(15, 21).boxed().toList());
        }
    }

    private static void publish(KafkaEventBus bus, String topic, int number) throws Exception {
        bus.publish(topic, "room", String.valueOf(number).getBytes(UTF_8)).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    }
}
