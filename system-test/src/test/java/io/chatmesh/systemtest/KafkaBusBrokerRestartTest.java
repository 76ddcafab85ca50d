package io.chatmesh.systemtest;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chatmesh.platform.bus.EventBus.Event;
import io.chatmesh.platform.bus.EventBus.EventHandler;
import io.chatmesh.platform.id.Ids;
import io.chatmesh.platform.kafka.KafkaBusSettings;
import io.chatmesh.platform.kafka.KafkaEventBus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.io.TempDir;

/**
 * The event bus across a crashed broker: a real broker in a child JVM is killed (SIGKILL) and
 * started again on the same port and data while one bus publishes and another is subscribed.
 *
 * <p>The publisher works like chat-service's relay: per key, events are numbered, each names the
 * number before it, and a run of everything not yet acknowledged is published with one
 * {@code publishAll}, the whole run again after a failure. So the log may hold an event twice,
 * but never an event before the one it names. The live subscription resumes where it stopped: it
 * gets exactly what the log holds from when it subscribed, in log order. The durable one, for
 * contrast, gets it at least once, in order.
 */
class KafkaBusBrokerRestartTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    /** Keys spread over several partitions, all published in one run, as rooms are. */
    private static final List<String> KEYS = List.of("room-a", "room-b", "room-c", "room-d");
    private static final Pattern NUMBERED = Pattern.compile("#(\\d+) after #(\\d+)");

    @TempDir
    static Path dataDir;

    private static KafkaBroker broker;

    private final List<KafkaEventBus> buses = new ArrayList<>();
    private String topic;

    @BeforeAll
    static void startBroker() {
        broker = KafkaBroker.format(dataDir.resolve("kafka"));
        broker.start();
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @BeforeEach
    void newTopic() {
        topic = "test." + Ids.newId();
    }

    @AfterEach
    void closeBuses() {
        buses.forEach(KafkaEventBus::close);
    }

    /** As the production stack configures the services: an outage shows within seconds. */
    private KafkaEventBus newBus(String instance) {
        KafkaEventBus bus = new KafkaEventBus(KafkaBusSettings.of(broker.bootstrapServers())
                .withInstanceId(instance)
                .withTopics(true, List.of(topic))
                .withPublishTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(2))
                .withApiTimeout(Duration.ofSeconds(5)));
        buses.add(bus);
        return bus;
    }

    @RepeatedTest(3)
    void aLiveSubscriptionGetsEveryEventPublishedAcrossABrokerCrashInLogOrder() throws Exception {
        Relay relay = new Relay(newBus("publisher"));
        KafkaEventBus subscriber = newBus("subscriber");
        Recorder live = new Recorder();
        Recorder durable = new Recorder();
        subscriber.subscribeLive(topic, live);
        subscriber.subscribe(topic, "durable-" + topic, durable);

        relay.add(3);
        relay.publishUntilAccepted();
        await().atMost(PATIENCE).until(() -> live.hasThrough(relay.last()) && durable.hasThrough(relay.last()));

        broker.kill();
        // added before the relay starts: a relay finding nothing to publish would end at once,
        // and no run would ever fail (this raced under load)
        relay.add(2);
        AtomicReference<Throwable> relayFailure = new AtomicReference<>();
        Thread retrying = Thread.ofPlatform().name("relay").start(() -> {
            try {
                relay.publishUntilAccepted();
            } catch (Throwable e) {
                relayFailure.set(e);
            }
        });
        try {
            // runs fail while the broker is down; the relay keeps retrying through the restart
            await().atMost(PATIENCE).until(() -> relay.failedRuns() > 0);
        } finally {
            broker.start();
        }
        relay.add(3);
        retrying.join(PATIENCE.toMillis());
        assertThat(relayFailure.get()).isNull();
        relay.publishUntilAccepted();
        await().atMost(PATIENCE).until(() -> durable.hasThrough(relay.last()));
        await().atMost(PATIENCE).until(() -> live.hasThrough(relay.last()));

        Map<String, List<String>> log = readLog();
        for (String key : KEYS) {
            assertNoEventBeforeItsPredecessor(key, log.get(key));
            assertThat(live.payloadsFor(key)).as("live events of %s", key).containsExactlyElementsOf(log.get(key));
            assertThat(durable.payloadsFor(key).stream().distinct().toList()).as("durable events of %s", key)
                    .containsExactlyElementsOf(log.get(key).stream().distinct().toList());
        }
    }

    /** Every event comes after the event it names (or a later one): nothing is missing in between. */
    private static void assertNoEventBeforeItsPredecessor(String key, List<String> payloads) {
        long highest = 0;
        for (String payload : payloads) {
            Matcher numbered = NUMBERED.matcher(payload);
            assertThat(numbered.find()).as("payload %s", payload).isTrue();
            long number = Long.parseLong(numbered.group(1));
            long previous = Long.parseLong(numbered.group(2));
            assertThat(previous).as("in the log of %s, predecessor of '%s' after %s", key, payload, payloads)
                    .isLessThanOrEqualTo(highest);
            highest = Math.max(highest, number);
        }
    }

    /** Every event of the topic's log, by key, in log order, read with a plain consumer from the beginning. */
    private Map<String, List<String>> readLog() {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        Map<String, List<String>> byKey = new LinkedHashMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            await().atMost(PATIENCE).until(() -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    byKey.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(record.value());
                }
                return partitions.stream().allMatch(p -> consumer.position(p) >= ends.get(p));
            });
        }
        return byKey;
    }

    /**
     * Publishes numbered events per key the way chat-service's relay does: one run of everything
     * not yet acknowledged, each event naming the number before it; after a failure the same
     * run again (so a written prefix of a failed run is written twice).
     */
    private final class Relay {

        private final KafkaEventBus bus;
        private final Map<String, Long> added = new HashMap<>();
        private final Map<String, Long> accepted = new HashMap<>();
        private int failedRuns;

        Relay(KafkaEventBus bus) {
            this.bus = bus;
            KEYS.forEach(key -> {
                added.put(key, 0L);
                accepted.put(key, 0L);
            });
        }

        /** Numbers {@code count} more events per key, to be published by the next run. */
        synchronized void add(int count) {
            KEYS.forEach(key -> added.merge(key, (long) count, Long::sum));
        }

        synchronized long last() {
            return added.get(KEYS.getFirst());
        }

        synchronized int failedRuns() {
            return failedRuns;
        }

        /** Publishes runs until one publishes everything added so far. */
        void publishUntilAccepted() throws InterruptedException {
            long giveUpAt = System.nanoTime() + PATIENCE.toNanos();
            while (!publishRun()) {
                assertThat(System.nanoTime()).as("relay accepted in time").isLessThan(giveUpAt);
                Thread.sleep(100);
            }
        }

        /** One run of everything not yet accepted; true once nothing is left. */
        private boolean publishRun() throws InterruptedException {
            List<Event> run = new ArrayList<>();
            Map<String, Long> through;
            synchronized (this) {
                through = new HashMap<>(added);
                for (String key : KEYS) {
                    for (long n = accepted.get(key) + 1; n <= added.get(key); n++) {
                        run.add(new Event(key, ("event of " + key + " #" + n + " after #" + (n - 1)).getBytes(UTF_8)));
                    }
                }
            }
            if (run.isEmpty()) {
                return true;
            }
            try {
                bus.publishAll(topic, run).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                synchronized (this) {
                    failedRuns++;
                }
                return false;
            } catch (java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException("publishAll neither completed nor failed", e);
            }
            synchronized (this) {
                accepted.putAll(through);
                return accepted.equals(added);
            }
        }
    }

    /** The payloads handled, by key, in the order handled. */
    private static final class Recorder implements EventHandler {

        private final Map<String, List<String>> byKey = new HashMap<>();

        @Override
        public synchronized void handle(String key, byte[] payload) {
            byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(new String(payload, UTF_8));
        }

        synchronized List<String> payloadsFor(String key) {
            return List.copyOf(byKey.getOrDefault(key, List.of()));
        }

        /** Whether every key's event number {@code number} has arrived. */
        synchronized boolean hasThrough(long number) {
            return KEYS.stream().allMatch(key -> payloadsFor(key).stream().anyMatch(p -> p.contains("#" + number + " after")));
        }
    }
}
