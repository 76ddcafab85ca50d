package io.chatmesh.platform.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chatmesh.platform.bus.EventBus;
import io.chatmesh.platform.bus.EventBus.Subscription;
import io.chatmesh.platform.id.Ids;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * At-least-once for durable subscriptions: failed handlers are retried in place, offsets never
 * move past an event that was not handled, and whatever was not committed comes again after a
 * close or a crash. All events use one key, so they share one partition and its offsets are
 * 0, 1, 2, ... in publish order; except in the test of runs, which spans partitions.
 */
class KafkaEventBusRetryTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final String KEY = "room-1";
    private static final int EVENTS = 10;

    private static TestKafkaCluster kafka;
    private static Admin admin;

    private final List<KafkaEventBus> buses = new ArrayList<>();
    private String topic;
    private String group;

    @BeforeAll
    static void startKafka() throws Exception {
        // lets the crash test's child use a 2 s session timeout (broker default minimum: 6 s)
        kafka = TestKafkaCluster.start(Map.of("group.min.session.timeout.ms", "1000"));
        admin = kafka.admin();
    }

    @AfterAll
    static void stopKafka() throws Exception {
        admin.close();
        kafka.close();
    }

    @BeforeEach
    void newTopic() {
        topic = "test." + Ids.newId();
        group = "group-" + topic;
    }

    @AfterEach
    void closeBuses() {
        buses.forEach(KafkaEventBus::close);
    }

    private KafkaEventBus newBus() {
        KafkaEventBus bus = new KafkaEventBus(KafkaBusSettings.of(kafka.bootstrapServers())
                .withTopics(true, List.of(topic))
                .withRetryBackoff(Duration.ofMillis(100)));
        buses.add(bus);
        return bus;
    }

    private static List<String> payloads(int count) {
        return IntStream.range(0, count).mapToObj(n -> "e" + n).toList();
    }

    private void publish(KafkaEventBus bus, List<String> payloads) throws Exception {
        CompletableFuture<?>[] acks = payloads.stream()
                .map(p -> bus.publish(topic, KEY, p.getBytes(UTF_8)))
                .toArray(CompletableFuture[]::new);
        CompletableFuture.allOf(acks).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    }

    /** The group's committed offset on the one partition the events are on (0 if none). */
    private long committed() throws Exception {
        return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().values().stream()
                .mapToLong(OffsetAndMetadata::offset)
                .sum();
    }

    @Test
    void aFailingEventIsRetriedInOrderAndNotCommittedBeforeItSucceeds() throws Exception {
        KafkaEventBus bus = newBus();
        publish(bus, payloads(EVENTS));
        RecordingHandler handled = new RecordingHandler();
        Map<String, Integer> attempts = new ConcurrentHashMap<>();
        AtomicBoolean fixed = new AtomicBoolean();
        bus.subscribe(topic, group, (key, payload) -> {
            String event = new String(payload, UTF_8);
            attempts.merge(event, 1, Integer::sum);
            if (event.equals("e3") && !fixed.get()) {
                throw new IllegalStateException("e3 cannot be handled yet");
            }
            handled.handle(key, payload);
        });

        await().atMost(PATIENCE).until(() -> attempts.getOrDefault("e3", 0) >= 3 && committed() == 3);
        await().atMost(PATIENCE).until(() -> attempts.get("e3") >= 6);
        assertThat(committed()).isEqualTo(3);
        assertThat(handled.payloads()).containsExactly("e0", "e1", "e2");

        fixed.set(true);
        await().atMost(PATIENCE).until(() -> handled.size() >= EVENTS && committed() == EVENTS);
        assertThat(handled.payloads()).containsExactlyElementsOf(payloads(EVENTS));
        assertThat(attempts.get("e4")).isEqualTo(1);
    }

    @Test
    void aRunHandlerGetsPollsAcrossPartitionsAndARefusedRunHoldsBackOnlyTheFailingPartition() throws Exception {
        KafkaEventBus bus = newBus();
        List<String> keys = IntStream.range(0, 24).mapToObj(i -> "room-" + i).toList();
        String poisonedKey = keys.getFirst();
        int poisoned = partitionOf(poisonedKey);
        List<EventBus.Event> first = keys.stream().map(key -> event(key, key + " first")).toList();
        bus.publishAll(topic, first).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        List<List<EventBus.Event>> runs = new CopyOnWriteArrayList<>();
        AtomicBoolean fixed = new AtomicBoolean();
        bus.subscribe(topic, group, (EventBus.RunHandler) events -> {
            if (!fixed.get() && events.stream().anyMatch(e -> payload(e).equals("poison"))) {
                throw new IllegalStateException("poison cannot be handled yet");
            }
            runs.add(events);
        });
        await().atMost(PATIENCE).until(() -> handled(runs).size() == keys.size());
        assertThat(runs).as("one poll's events of several partitions in one run")
                .anyMatch(run -> run.stream().map(e -> partitionOf(e.key())).distinct().count() > 1);

        List<EventBus.Event> second = new ArrayList<>(List.of(event(poisonedKey, "poison")));
        keys.forEach(key -> second.add(event(key, key + " second")));
        bus.publishAll(topic, second).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        List<String> healthy = keys.stream().filter(key -> partitionOf(key) != poisoned).map(key -> key + " second")
                .toList();
        await().atMost(PATIENCE).until(() -> handled(runs).containsAll(healthy));
        Thread.sleep(500); // several retries of the poisoned partition
        assertThat(handled(runs)).as("nothing after the poison on its partition")
                .doesNotContain("poison")
                .noneMatch(p -> p.endsWith(" second") && partitionOf(p.substring(0, p.indexOf(' '))) == poisoned);

        fixed.set(true);
        await().atMost(PATIENCE).until(() -> handled(runs).size() == 2 * keys.size() + 1);
        List<EventBus.Event> all = runs.stream().flatMap(List::stream).toList();
        assertThat(all.stream().filter(e -> e.key().equals(poisonedKey)).map(KafkaEventBusRetryTest::payload))
                .containsExactly(poisonedKey + " first", "poison", poisonedKey + " second");
    }

    private static EventBus.Event event(String key, String payload) {
        return new EventBus.Event(key, payload.getBytes(UTF_8));
    }

    private static String payload(EventBus.Event event) {
        return new String(event.payload(), UTF_8);
    }

    private static List<String> handled(List<List<EventBus.Event>> runs) {
        return runs.stream().flatMap(List::stream).map(KafkaEventBusRetryTest::payload).toList();
    }

    /** The partition the producer puts a key on (the bus creates topics with the default 12 partitions). */
    private static int partitionOf(String key) {
        return BuiltInPartitioner.partitionForKey(key.getBytes(UTF_8), KafkaBusSettings.of("unused").partitions());
    }

    @Test
    void resubscribingAfterCloseStartsAtTheEventThatFailed() throws Exception {
        KafkaEventBus bus = newBus();
        publish(bus, payloads(EVENTS));
        Map<String, Integer> attempts = new ConcurrentHashMap<>();
        Subscription failing = bus.subscribe(topic, group, (key, payload) -> {
            String event = new String(payload, UTF_8);
            attempts.merge(event, 1, Integer::sum);
            if (event.equals("e3")) {
                throw new IllegalStateException("e3 cannot be handled");
            }
        });
        await().atMost(PATIENCE).until(() -> attempts.getOrDefault("e3", 0) >= 2);
        failing.close();
        assertThat(committed()).isEqualTo(3);

        RecordingHandler afterRestart = new RecordingHandler();
        bus.subscribe(topic, group, afterRestart);

        await().atMost(PATIENCE).until(() -> afterRestart.size() >= EVENTS - 3);
        assertThat(afterRestart.payloads()).containsExactlyElementsOf(payloads(EVENTS).subList(3, EVENTS));
    }

    @Test
    void afterACrashEverythingSinceTheLastCommitIsHandledAgainAndNothingIsLost() throws Exception {
        int events = 30;
        int crashAt = 10;
        KafkaEventBus bus = newBus();
        publish(bus, payloads(events));

        List<String> handledBeforeCrash = runCrashingSubscriber(crashAt);
        assertThat(handledBeforeCrash).containsExactlyElementsOf(payloads(crashAt));
        long committedAtCrash = committed();
        // the crash came inside the last handler, so at least that event was never committed
        assertThat(committedAtCrash).isLessThan(crashAt);

        RecordingHandler afterRestart = new RecordingHandler();
        bus.subscribe(topic, group, afterRestart);

        await().atMost(PATIENCE).until(() -> afterRestart.payloads().contains("e" + (events - 1)));
        assertThat(afterRestart.payloads())
                .containsExactlyElementsOf(payloads(events).subList((int) committedAtCrash, events));
    }

    /** Runs {@link CrashingSubscriber} in its own JVM and returns what it handled before dying. */
    private List<String> runCrashingSubscriber(int crashAt) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                CrashingSubscriber.class.getName(), kafka.bootstrapServers(), topic, group, String.valueOf(crashAt))
                .redirectErrorStream(true)
                .start();
        List<String> handled = new ArrayList<>();
        try (BufferedReader output = new BufferedReader(new InputStreamReader(child.getInputStream(), UTF_8))) {
            String line;
            while ((line = output.readLine()) != null) {
                if (line.startsWith(CrashingSubscriber.HANDLED)) {
                    handled.add(line.substring(CrashingSubscriber.HANDLED.length()));
                }
            }
            assertThat(child.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).isEqualTo(1);
        } finally {
            child.destroyForcibly();
        }
        return handled;
    }
}
