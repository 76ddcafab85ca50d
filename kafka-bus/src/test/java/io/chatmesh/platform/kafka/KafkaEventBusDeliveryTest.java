package io.chatmesh.platform.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chatmesh.platform.bus.EventBus.Event;
import io.chatmesh.platform.bus.EventBus.Subscription;
import io.chatmesh.platform.id.Ids;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.GroupState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Ordering, consumer groups and live fan-out against a real broker. */
class KafkaEventBusDeliveryTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private static TestKafkaCluster kafka;
    private static Admin admin;

    private final List<KafkaEventBus> buses = new ArrayList<>();
    private String topic;

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

    @BeforeEach
    void newTopic() {
        topic = "test." + Ids.newId();
    }

    @AfterEach
    void closeBuses() {
        buses.forEach(KafkaEventBus::close);
    }

    /** A bus like one service instance would have, creating the test's topic at startup. */
    private KafkaEventBus newBus(String instance) {
        KafkaEventBus bus = new KafkaEventBus(KafkaBusSettings.of(kafka.bootstrapServers())
                .withInstanceId(instance)
                .withTopics(true, List.of(topic)));
        buses.add(bus);
        return bus;
    }

    private static void publishAll(KafkaEventBus bus, String topic, List<RecordingHandler.Event> events)
            throws Exception {
        CompletableFuture<?>[] acks = events.stream()
                .map(e -> bus.publish(topic, e.key(), e.payload().getBytes(UTF_8)))
                .toArray(CompletableFuture[]::new);
        CompletableFuture.allOf(acks).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    }

    /** {@code count} events per key, interleaved across keys; payload "key#n". */
    private static List<RecordingHandler.Event> events(int keys, int count, String tag) {
        return IntStream.range(0, count).boxed()
                .flatMap(n -> IntStream.range(0, keys).mapToObj(k -> new RecordingHandler.Event(
                        "room-" + k, tag + "room-" + k + "#" + n)))
                .toList();
    }

    private static List<String> payloadsFor(List<RecordingHandler.Event> events, String key) {
        return events.stream().filter(e -> e.key().equals(key)).map(RecordingHandler.Event::payload).toList();
    }

    @Test
    void eventsWithTheSameKeyArriveInPublishOrder() throws Exception {
        KafkaEventBus bus = newBus("a");
        RecordingHandler received = new RecordingHandler();
        bus.subscribe(topic, "order-" + topic, received);

        List<RecordingHandler.Event> published = events(10, 100, "");
        publishAll(bus, topic, published);

        await().atMost(PATIENCE).until(() -> received.size() >= published.size());
        assertThat(received.size()).isEqualTo(published.size());
        for (int k = 0; k < 10; k++) {
            assertThat(received.payloadsFor("room-" + k)).containsExactlyElementsOf(payloadsFor(published, "room-" + k));
        }
    }

    @Test
    void eachGroupGetsEveryEventAndMembersOfOneGroupSplitThem() throws Exception {
        KafkaEventBus instance1 = newBus("i1");
        KafkaEventBus instance2 = newBus("i2");
        RecordingHandler groupA = new RecordingHandler();
        RecordingHandler groupB = new RecordingHandler();
        RecordingHandler sharedOn1 = new RecordingHandler();
        RecordingHandler sharedOn2 = new RecordingHandler();
        String shared = "shared-" + topic;
        instance1.subscribe(topic, "a-" + topic, groupA);
        instance2.subscribe(topic, "b-" + topic, groupB);
        instance1.subscribe(topic, shared, sharedOn1);
        instance2.subscribe(topic, shared, sharedOn2);
        // publish only once both members hold partitions, so no rebalance happens meanwhile
        await().atMost(PATIENCE).until(() -> bothMembersAssigned(shared));

        List<RecordingHandler.Event> published = events(100, 2, "");
        publishAll(instance1, topic, published);

        await().atMost(PATIENCE).until(() -> groupA.size() >= published.size()
                && groupB.size() >= published.size()
                && sharedOn1.size() + sharedOn2.size() >= published.size());
        assertThat(groupA.events()).containsExactlyInAnyOrderElementsOf(published);
        assertThat(groupB.events()).containsExactlyInAnyOrderElementsOf(published);
        assertThat(sharedOn1.events()).isNotEmpty();
        assertThat(sharedOn2.events()).isNotEmpty();
        assertThat(Stream.concat(sharedOn1.events().stream(), sharedOn2.events().stream()).toList())
                .containsExactlyInAnyOrderElementsOf(published);
    }

    private static boolean bothMembersAssigned(String group) throws Exception {
        ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group))
                .describedGroups().get(group).get();
        return description.groupState() == GroupState.STABLE
                && description.members().size() == 2
                && description.members().stream().noneMatch(m -> m.assignment().topicPartitions().isEmpty());
    }

    @Test
    void liveSubscribersOnEveryInstanceGetEveryEventPublishedAfterTheySubscribed() throws Exception {
        KafkaEventBus publisher = newBus("publisher");
        KafkaEventBus instance1 = newBus("i1");
        KafkaEventBus instance2 = newBus("i2");
        publishAll(publisher, topic, events(5, 4, "before-"));

        RecordingHandler on1 = new RecordingHandler();
        RecordingHandler on2 = new RecordingHandler();
        instance1.subscribeLive(topic, on1);
        instance2.subscribeLive(topic, on2);
        List<RecordingHandler.Event> after = events(5, 20, "after-");
        publishAll(publisher, topic, after);

        await().atMost(PATIENCE).until(() -> on1.size() >= after.size() && on2.size() >= after.size());
        for (RecordingHandler live : List.of(on1, on2)) {
            assertThat(live.events()).containsExactlyInAnyOrderElementsOf(after);
            for (int k = 0; k < 5; k++) {
                assertThat(live.payloadsFor("room-" + k)).containsExactlyElementsOf(payloadsFor(after, "room-" + k));
            }
        }
    }

    /**
     * What a failed run leaves in the log is a prefix of it: an event the producer does not take
     * ends the run, so no later event reaches the log without it. The event here is over the
     * producer's request size limit; one the producer cannot get metadata for in time (a broker
     * coming back) is refused the same way, before it is sent.
     */
    @Test
    void aRunStopsAtAnEventTheProducerRefusesSoNoLaterEventIsWrittenWithoutIt() throws Exception {
        KafkaEventBus bus = newBus("a");
        RecordingHandler received = new RecordingHandler();
        bus.subscribeLive(topic, received);
        byte[] overTheRequestLimit = new byte[2 * 1024 * 1024];

        CompletableFuture<Void> run = bus.publishAll(topic, List.of(new Event("room", "first".getBytes(UTF_8)),
                new Event("room", overTheRequestLimit), new Event("room", "third".getBytes(UTF_8))));
        assertThat(run).failsWithin(PATIENCE);
        publishAll(bus, topic, List.of(new RecordingHandler.Event("room", "after")));

        await().atMost(PATIENCE).until(() -> received.payloads().contains("after"));
        assertThat(received.payloads()).containsExactly("first", "after");
    }

    @Test
    void aFailingLiveHandlerSkipsTheEventAndGetsTheNextOnes() throws Exception {
        KafkaEventBus bus = newBus("a");
        RecordingHandler received = new RecordingHandler();
        List<String> attempted = new ArrayList<>();
        bus.subscribeLive(topic, (key, payload) -> {
            String text = new String(payload, UTF_8);
            synchronized (attempted) {
                attempted.add(text);
            }
            if (text.equals("poison")) {
                throw new IllegalStateException("cannot handle");
            }
            received.handle(key, payload);
        });

        publishAll(bus, topic, List.of(new RecordingHandler.Event("room", "first"),
                new RecordingHandler.Event("room", "poison"), new RecordingHandler.Event("room", "last")));

        await().atMost(PATIENCE).until(() -> received.size() >= 2);
        assertThat(received.payloads()).containsExactly("first", "last");
        synchronized (attempted) {
            assertThat(attempted).containsExactly("first", "poison", "last");
        }
    }

    @Test
    void aClosedSubscriptionGetsNothingMore() throws Exception {
        KafkaEventBus bus = newBus("a");
        RecordingHandler received = new RecordingHandler();
        Subscription subscription = bus.subscribeLive(topic, received);
        RecordingHandler stillOpen = new RecordingHandler();
        bus.subscribeLive(topic, stillOpen);

        subscription.close();
        publishAll(bus, topic, List.of(new RecordingHandler.Event("room", "after-close")));

        await().atMost(PATIENCE).until(() -> stillOpen.size() >= 1);
        assertThat(received.events()).isEmpty();
    }
}
