package io.chatmesh.platform.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class InProcessEventBusTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static EventBus.Event event(String key) {
        return new EventBus.Event(key, bytes(key));
    }

    @Test
    void everyGroupGetsEveryEventInPublishOrderBeforePublishCompletes() {
        try (InProcessEventBus bus = new InProcessEventBus()) {
            List<String> fanout = new CopyOnWriteArrayList<>();
            List<String> persister = new CopyOnWriteArrayList<>();
            bus.subscribe("t", "fanout", (key, payload) -> fanout.add(key + ":" + new String(payload, StandardCharsets.UTF_8)));
            bus.subscribe("t", "persister", (key, payload) -> persister.add(key + ":" + new String(payload, StandardCharsets.UTF_8)));
            List<String> live = new CopyOnWriteArrayList<>();
            bus.subscribeLive("t", (key, payload) -> live.add(key + ":" + new String(payload, StandardCharsets.UTF_8)));

            CompletableFuture<Void> first = bus.publish("t", "room", bytes("1"));
            CompletableFuture<Void> second = bus.publishAll("t", List.of(new EventBus.Event("room", bytes("2")),
                    new EventBus.Event("room", bytes("3"))));
            bus.publish("other-topic", "room", bytes("x"));

            // a publication of nothing completes once every subscriber, live ones too, got all before it
            assertThat(bus.publishAll("t", List.of())).succeedsWithin(WAIT);
            assertThat(first).isCompleted();
            assertThat(second).isCompleted();
            assertThat(fanout).containsExactly("room:1", "room:2", "room:3");
            assertThat(persister).containsExactly("room:1", "room:2", "room:3");
            assertThat(live).containsExactly("room:1", "room:2", "room:3");
        }
    }

    /**
     * Fan-out never waits for persistence: live subscribers get an event while the durable one
     * still holds it, and the publish completes only once the durable one accepted it.
     */
    @Test
    void liveSubscribersDoNotWaitForDurableOnesAndOnlyDurableOnesDecideThePublish() throws Exception {
        try (InProcessEventBus bus = new InProcessEventBus()) {
            List<String> live = new CopyOnWriteArrayList<>();
            List<String> persisted = new CopyOnWriteArrayList<>();
            CountDownLatch diskBusy = new CountDownLatch(1);
            boolean[] diskFull = {false};
            bus.subscribeLive("t", (key, payload) -> live.add(key));
            bus.subscribe("t", "persister", (key, payload) -> {
                diskBusy.await();
                if (diskFull[0]) {
                    throw new IllegalStateException("disk full");
                }
                persisted.add(key);
            });

            CompletableFuture<Void> first = bus.publish("t", "m1", bytes("1"));
            await(() -> live.contains("m1"));
            assertThat(first).isNotDone();
            diskBusy.countDown();
            assertThat(first).succeedsWithin(WAIT);
            assertThat(persisted).containsExactly("m1");

            diskFull[0] = true;
            assertThat(bus.publish("t", "m2", bytes("2"))).failsWithin(WAIT);
            assertThat(persisted).containsExactly("m1");
        }
    }

    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within %s", WAIT).isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    /**
     * Publications queued while a durable run handler is busy reach it as one run (one
     * transaction for all of them); a run it refuses is handed over again one publication at a
     * time, so only the publication it cannot take fails.
     */
    @Test
    void queuedPublicationsReachDurableSubscribersTogetherAndOnlyTheBadOneFails() throws Exception {
        try (InProcessEventBus bus = new InProcessEventBus()) {
            CountDownLatch busy = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            List<List<String>> runs = new CopyOnWriteArrayList<>();
            List<String> live = new CopyOnWriteArrayList<>();
            bus.subscribe("t", "persister", new EventBus.RunHandler() {
                @Override
                public void handleAll(List<EventBus.Event> events) throws InterruptedException {
                    List<String> keys = new ArrayList<>(events.stream().map(EventBus.Event::key).toList());
                    if (keys.equals(List.of("first"))) {
                        busy.countDown();
                        release.await(5, TimeUnit.SECONDS);
                    }
                    if (keys.contains("poison")) {
                        throw new IllegalStateException("cannot store poison");
                    }
                    runs.add(keys);
                }
            });
            bus.subscribeLive("t", (key, payload) -> live.add(key));

            CompletableFuture<Void> first = bus.publish("t", "first", bytes(""));
            assertThat(busy.await(5, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<Void> a = bus.publishAll("t", List.of(event("a1"), event("a2")));
            CompletableFuture<Void> poison = bus.publish("t", "poison", bytes(""));
            CompletableFuture<Void> b = bus.publish("t", "b", bytes(""));
            release.countDown();

            assertThat(first).succeedsWithin(WAIT);
            assertThat(a).succeedsWithin(WAIT);
            assertThat(b).succeedsWithin(WAIT);
            assertThat(poison).failsWithin(WAIT);
            assertThat(runs).containsExactly(List.of("first"), List.of("a1", "a2"), List.of("b"));
            // live delivery does not wait for the persister's verdict (the publisher retries a failed one)
            await(() -> live.size() == 5);
            assertThat(live).containsExactly("first", "a1", "a2", "poison", "b");
        }
    }

    @Test
    void aFailingLiveSubscriberDoesNotFailThePublish() throws InterruptedException {
        try (InProcessEventBus bus = new InProcessEventBus()) {
            List<String> otherLive = new CopyOnWriteArrayList<>();
            bus.subscribeLive("t", (key, payload) -> {
                throw new IllegalStateException("broken session");
            });
            bus.subscribeLive("t", (key, payload) -> otherLive.add(key));
            assertThat(bus.publish("t", "m", bytes("1"))).succeedsWithin(WAIT);
            await(() -> otherLive.contains("m"));
            assertThat(otherLive).containsExactly("m");
        }
    }

    @Test
    void aLiveSubscriberOutOfMemoryOnOneEventDoesNotStopTheTopic() throws InterruptedException {
        try (InProcessEventBus bus = new InProcessEventBus()) {
            List<String> got = new CopyOnWriteArrayList<>();
            bus.subscribeLive("t", (key, payload) -> {
                if (key.equals("first")) {
                    throw new OutOfMemoryError("Cannot reserve 2097152 bytes of direct buffer memory");
                }
                got.add(key);
            });
            assertThat(bus.publish("t", "first", bytes("1"))).succeedsWithin(WAIT);
            assertThat(bus.publish("t", "second", bytes("2"))).succeedsWithin(WAIT);
            await(() -> got.contains("second"));
            assertThat(got).containsExactly("second");
        }
    }

    @Test
    void closingASubscriptionStopsDeliveryAndAGroupSubscribesOnce() {
        try (InProcessEventBus bus = new InProcessEventBus()) {
            List<String> got = new CopyOnWriteArrayList<>();
            EventBus.Subscription subscription = bus.subscribe("t", "g", (key, payload) -> got.add(key));
            assertThatThrownBy(() -> bus.subscribe("t", "g", (key, payload) -> {})).isInstanceOf(IllegalStateException.class);
            assertThat(bus.publish("t", "a", bytes(""))).succeedsWithin(WAIT);
            subscription.close();
            assertThat(bus.publish("t", "b", bytes(""))).succeedsWithin(WAIT);
            assertThat(got).containsExactly("a");
        }
    }

    @Test
    void aClosedBusRefusesPublications() {
        InProcessEventBus bus = new InProcessEventBus();
        bus.subscribe("t", "g", (key, payload) -> {});
        bus.close();
        assertThat(bus.publish("t", "a", bytes(""))).failsWithin(WAIT);
    }
}
