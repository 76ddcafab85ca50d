package io.chatmesh.platform.bus;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The in-process bus's meters ({@link BusMeters}). */
class InProcessEventBusMetricsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void publishesAreTimedOncePerCallAndEventsOncePerSubscriber() {
        try (InProcessEventBus bus = new InProcessEventBus(registry)) {
            bus.subscribe("t", "persister", (key, payload) -> {});
            bus.subscribeLive("t", (key, payload) -> {});
            CompletableFuture<Void> one = bus.publish("t", "room", "1".getBytes(UTF_8));
            CompletableFuture<Void> two = bus.publishAll("t", List.of(new EventBus.Event("room", "2".getBytes(UTF_8)),
                    new EventBus.Event("room", "3".getBytes(UTF_8))));
            assertThat(CompletableFuture.allOf(one, two)).succeedsWithin(WAIT);

            await().atMost(WAIT).untilAsserted(() -> {
                assertThat(registry.get("chatmesh.bus.publish").tag("topic", "t").timer().count()).isEqualTo(2);
                assertThat(registry.get("chatmesh.bus.consume").tag("topic", "t").timer().count()).isEqualTo(6);
            });
            assertThat(registry.get("chatmesh.bus.publish.failures").tag("topic", "t").counter().count()).isZero();
        }
    }

    @Test
    void aRefusedPublishCountsAsAFailure() {
        try (InProcessEventBus bus = new InProcessEventBus(registry)) {
            bus.subscribe("t", "persister", (key, payload) -> {
                throw new IllegalStateException("disk full");
            });
            assertThat(bus.publish("t", "room", new byte[0])).failsWithin(WAIT);
            await().atMost(WAIT).untilAsserted(() ->
                    assertThat(registry.get("chatmesh.bus.publish.failures").tag("topic", "t").counter().count()).isOne());
            assertThat(registry.get("chatmesh.bus.publish").tag("topic", "t").timer().count()).isZero();
        }
    }

    @Test
    void theLagIsThePublicationsQueuedBehindTheDispatcher() throws Exception {
        CountDownLatch handling = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (InProcessEventBus bus = new InProcessEventBus(registry)) {
            bus.subscribe("t", "slow", (key, payload) -> {
                handling.countDown();
                release.await(WAIT.toSeconds(), TimeUnit.SECONDS);
            });
            Gauge lag = registry.get("chatmesh.bus.consumer.lag").tag("topic", "t").gauge();
            assertThat(lag.value()).isZero();

            CompletableFuture<Void> first = bus.publish("t", "room", new byte[0]);
            assertThat(handling.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            CompletableFuture<Void> second = bus.publish("t", "room", new byte[0]);
            CompletableFuture<Void> third = bus.publish("t", "room", new byte[0]);
            assertThat(lag.value()).isEqualTo(2); // the dispatcher is busy with the first

            release.countDown();
            assertThat(CompletableFuture.allOf(first, second, third)).succeedsWithin(WAIT);
            assertThat(lag.value()).isZero();
        }
        assertThat(registry.find("chatmesh.bus.consumer.lag").gauge()).as("taken away on close").isNull();
    }
}
