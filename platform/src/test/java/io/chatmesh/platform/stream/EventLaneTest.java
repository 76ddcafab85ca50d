package io.chatmesh.platform.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EventLaneTest {

    /** Runs what the lane hands it only when the test says so. */
    private final Queue<Runnable> handedOver = new ArrayDeque<>();
    private final EventLane lane = new EventLane(handedOver::add);
    private final List<String> ran = new ArrayList<>();

    @Test
    void eventsThatCannotBlockRunAtOnceOnTheCallingThread() {
        lane.run(() -> ran.add("ping"), false);
        lane.run(() -> ran.add("send"), false);

        assertThat(ran).containsExactly("ping", "send");
        assertThat(handedOver).isEmpty();
    }

    @Test
    void anEventThatMayBlockIsHandedOverAndTheEventsAfterItWaitForIt() {
        lane.run(() -> ran.add("hello"), true);
        lane.run(() -> ran.add("send"), false);
        lane.run(() -> ran.add("ping"), false);

        assertThat(ran).isEmpty();
        assertThat(handedOver).hasSize(1);
        handedOver.poll().run();
        assertThat(ran).containsExactly("hello", "send", "ping");

        lane.run(() -> ran.add("send again"), false);
        assertThat(ran).containsExactly("hello", "send", "ping", "send again");
        assertThat(handedOver).isEmpty();
    }

    @Test
    void aFailingEventDoesNotStopTheOnesAfterIt() {
        lane.run(() -> {
            throw new IllegalStateException("boom");
        }, true);
        lane.run(() -> ran.add("send"), false);
        handedOver.poll().run();

        assertThat(ran).containsExactly("send");
        lane.run(() -> ran.add("ping"), false);
        assertThat(ran).containsExactly("send", "ping");
    }

    @Test
    void eventsKeepTheirOrderAcrossThreads() throws Exception {
        ExecutorService pool = Executors.newCachedThreadPool();
        try {
            EventLane threaded = new EventLane(pool);
            List<Integer> seen = new ArrayList<>();
            CountDownLatch done = new CountDownLatch(1);
            for (int i = 0; i < 10_000; i++) {
                int n = i;
                // every 100th event may block: the lane goes back and forth between the threads
                threaded.run(() -> seen.add(n), n % 100 == 0);
            }
            threaded.run(done::countDown, true);
            assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(seen).hasSize(10_000);
            for (int i = 0; i < seen.size(); i++) {
                assertThat(seen.get(i)).isEqualTo(i);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
