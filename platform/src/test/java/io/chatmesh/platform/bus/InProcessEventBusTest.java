package io.chatmesh.platform.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class InProcessEventBusTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void everyGroupGetsEveryEventInPublishOrderBeforePublishCompletes() {
        try (InProcessEventBus bus = new InProcessEventBus()) {
            List<String> fanout = new CopyOnWriteArrayList<>();
            List<String> persister = new CopyOnWriteArrayList<>();
            bus.subscribe("t", "fanout", (key, payload) -> fanout.add(key + ":" + new String(payload, StandardCharsets.UTF_8)));
            bus.subscribe("t", "persister", (key, payload) -> persister.add(key + ":" + new String(payload, StandardCharsets.UTF_8)));

            assertThat(bus.publish("t", "room", bytes("1"))).isCompleted();
            assertThat(bus.publish("t", "room", bytes("2"))).isCompleted();
            bus.publish("other-topic", "room", bytes("x"));

            assertThat(fanout).containsExactly("room:1", "room:2");
            assertThat(persister).containsExactly("room:1", "room:2");
        }
    }

    @Test
    void aFailingDurableSubscriberFailsThePublishAndLiveSubscribersNeverSeeTheEvent() {
        try (InProcessEventBus bus = new InProcessEventBus()) {
            List<String> live = new CopyOnWriteArrayList<>();
            List<String> persisted = new CopyOnWriteArrayList<>();
            boolean[] diskFull = {true};
            bus.subscribeLive("t", (key, payload) -> live.add(key));
            bus.subscribe("t", "persister", (key, payload) -> {
                if (diskFull[0]) {
                    throw new IllegalStateException("disk full");
                }
                persisted.add(key);
            });

            assertThat(bus.publish("t", "m1", bytes("1"))).isCompletedExceptionally();
            assertThat(live).isEmpty();

            diskFull[0] = false;
            assertThat(bus.publish("t", "m1", bytes("1"))).isCompleted();
            assertThat(persisted).containsExactly("m1");
            assertThat(live).containsExactly("m1");
        }
    }

    @Test
    void aFailingLiveSubscriberDoesNotFailThePublish() {
        try (InProcessEventBus bus = new InProcessEventBus()) {
            List<String> otherLive = new CopyOnWriteArrayList<>();
            bus.subscribeLive("t", (key, payload) -> {
                throw new IllegalStateException("broken session");
            });
            bus.subscribeLive("t", (key, payload) -> otherLive.add(key));
            assertThat(bus.publish("t", "m", bytes("1"))).isCompleted();
            assertThat(otherLive).containsExactly("m");
        }
    }

    @Test
    void closingASubscriptionStopsDeliveryAndAGroupSubscribesOnce() {
        try (InProcessEventBus bus = new InProcessEventBus()) {
            List<String> got = new CopyOnWriteArrayList<>();
            EventBus.Subscription subscription = bus.subscribe("t", "g", (key, payload) -> got.add(key));
            assertThatThrownBy(() -> bus.subscribe("t", "g", (key, payload) -> {})).isInstanceOf(IllegalStateException.class);
            bus.publish("t", "a", bytes(""));
            subscription.close();
            bus.publish("t", "b", bytes(""));
            assertThat(got).containsExactly("a");
        }
    }
}
