package io.chatmesh.platform.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chatmesh.platform.bus.EventBus.Event;
import io.chatmesh.platform.id.Ids;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Kafka bus's meters against a real broker, as Prometheus scrapes them: publishes timed until
 * the broker acknowledged them, each event timed from its record timestamp to each subscription's
 * handling, and the topic's lag counting what the subscriptions have not handled yet.
 */
class KafkaEventBusMetricsTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private static TestKafkaCluster kafka;

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private String topic;
    private KafkaEventBus bus;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = TestKafkaCluster.start();
    }

    @AfterAll
    static void stopKafka() throws Exception {
        kafka.close();
    }

    @BeforeEach
    void newBus() {
        topic = "test." + Ids.newId();
        bus = new KafkaEventBus(KafkaBusSettings.of(kafka.bootstrapServers()).withTopics(true, List.of(topic)), registry);
    }

    @AfterEach
    void closeBus() {
        bus.close();
    }

    @Test
    void publishesAndConsumptionsAreTimedPerTopicAndTheLagDrainsToZero() throws Exception {
        RecordingHandler durable = new RecordingHandler();
        RecordingHandler live = new RecordingHandler();
        bus.subscribe(topic, "metrics-" + topic, durable);
        bus.subscribeLive(topic, live);

        List<CompletableFuture<Void>> publishes = new ArrayList<>(IntStream.range(0, 5)
                .mapToObj(n -> bus.publish(topic, "room-" + n, ("single " + n).getBytes(UTF_8))).toList());
        publishes.add(bus.publishAll(topic, IntStream.range(0, 3)
                .mapToObj(n -> new Event("room-batch", ("batch " + n).getBytes(UTF_8))).toList()));
        CompletableFuture.allOf(publishes.toArray(CompletableFuture[]::new)).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);

        await().atMost(PATIENCE).untilAsserted(() -> {
            assertThat(durable.size()).isEqualTo(8);
            assertThat(live.size()).isEqualTo(8);
            // six publish calls, eight events handled by each of the two subscriptions
            assertThat(timer("chatmesh.bus.publish").count()).isEqualTo(6);
            assertThat(timer("chatmesh.bus.consume").count()).isEqualTo(16);
            assertThat(lag().value()).isZero(); // caught up, once each subscription polled again
        });
        assertThat(registry.find("chatmesh.bus.publish.failures").tag("topic", topic).counter().count()).isZero();

        String scrape = registry.scrape();
        assertThat(scrape).containsPattern("chatmesh_bus_publish_seconds_count\\{topic=\"" + topic + "\"} 6(\\.0)?\n");
        assertThat(scrape).containsPattern("chatmesh_bus_consume_seconds_count\\{topic=\"" + topic + "\"} 16(\\.0)?\n");
        assertThat(scrape).contains("chatmesh_bus_publish_seconds_bucket{topic=\"" + topic + "\",le=");
        assertThat(scrape).containsPattern("chatmesh_bus_consumer_lag\\{topic=\"" + topic + "\"} 0(\\.0)?\n");
        // the producer's own metrics, by Micrometer's Kafka binder
        assertThat(scrape).contains("kafka_producer_record_send_total");
    }

    @Test
    void eventsPolledButNotYetHandledCountAsLag() throws Exception {
        CountDownLatch handling = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        RecordingHandler handled = new RecordingHandler();
        bus.subscribe(topic, "slow-" + topic, (key, payload) -> {
            handling.countDown();
            assertThat(release.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
            handled.handle(key, payload);
        });
        for (int n = 0; n < 3; n++) {
            bus.publish(topic, "room", ("event " + n).getBytes(UTF_8)).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        }

        assertThat(handling.await(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
        // the lag is taken right after the poll that returned the event now in the handler
        assertThat(lag().value()).isGreaterThanOrEqualTo(1);
        release.countDown();
        await().atMost(PATIENCE).untilAsserted(() -> {
            assertThat(handled.size()).isEqualTo(3);
            assertThat(lag().value()).isZero();
        });
    }

    @Test
    void closingTheBusTakesItsLagGaugeAwayAndAPublishItRefusesCountsAsAFailure() {
        bus.subscribeLive(topic, new RecordingHandler());
        assertThat(lag().value()).isGreaterThanOrEqualTo(0);
        bus.close();
        assertThat(registry.find("chatmesh.bus.consumer.lag").tag("topic", topic).gauge()).isNull();

        assertThat(bus.publish(topic, "room", new byte[0])).isCompletedExceptionally();
        assertThat(registry.get("chatmesh.bus.publish.failures").tag("topic", topic).counter().count()).isOne();
        assertThat(registry.get("chatmesh.bus.publish").tag("topic", topic).timer().count()).isZero();
    }

    private Timer timer(String name) {
        return registry.get(name).tag("topic", topic).timer();
    }

    private Gauge lag() {
        return registry.get("chatmesh.bus.consumer.lag").tag("topic", topic).gauge();
    }
}
