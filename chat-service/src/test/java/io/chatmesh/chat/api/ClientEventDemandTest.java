package io.chatmesh.chat.api;

import static io.chatmesh.chat.api.ClientEventDemand.READ_AHEAD;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientEventDemandTest {

    private final List<Integer> requests = new ArrayList<>();
    private final List<Duration> pauses = new ArrayList<>();
    private final List<Runnable> pauseEnds = new ArrayList<>();
    private final ClientEventDemand demand = new ClientEventDemand(requests::add, (delay, end) -> {
        pauses.add(delay);
        pauseEnds.add(end);
    });

    @Test
    void asksForEventsAheadAndTopsThemUpOnceHalfHaveArrived() {
        assertThat(requests).containsExactly(READ_AHEAD);
        receive(READ_AHEAD / 2 - 1);
        assertThat(requests).containsExactly(READ_AHEAD);
        receive(1);
        assertThat(requests).containsExactly(READ_AHEAD, READ_AHEAD / 2);
        receive(10 * READ_AHEAD);
        // everything received, plus a full read-ahead, in batches of half of it
        assertThat(requests.stream().mapToInt(Integer::intValue).sum()).isEqualTo(READ_AHEAD / 2 + 10 * READ_AHEAD + READ_AHEAD);
        assertThat(requests.subList(1, requests.size())).hasSize(21).containsOnly(READ_AHEAD / 2);
    }

    @Test
    void asksForNothingAfterARefusalUntilItsRetryDelayHasPassedThenForOneAndDoublesFromThere() {
        receive(3);
        demand.received(Duration.ofSeconds(2));
        // the events already asked for still arrive, refused or not; none is asked for meanwhile
        receive(READ_AHEAD - 5);
        demand.received(Duration.ofSeconds(5));
        assertThat(requests).containsExactly(READ_AHEAD);
        assertThat(pauses).containsExactly(Duration.ofSeconds(2));

        pauseEnds.getFirst().run();
        assertThat(requests).containsExactly(READ_AHEAD, 1);
        receive(3);
        assertThat(requests).containsExactly(READ_AHEAD, 1, 2, 3, 5);
        receive(READ_AHEAD);
        assertThat(requests).containsExactly(READ_AHEAD, 1, 2, 3, 5, 9, 8);
    }

    @Test
    void aFlooderAtItsLimitIsReadAboutOneEventPerDelay() {
        receive(1);
        demand.received(Duration.ofMillis(20));
        receive(READ_AHEAD - 3);
        requests.clear();
        for (int delay = 0; delay < 100; delay++) {
            pauseEnds.getLast().run();
            receive(1); // the one token the delay gave back
            demand.received(Duration.ofMillis(20));
        }
        // one event after each delay, accepted, then two more asked for, and the first of those refused
        assertThat(requests.stream().mapToInt(Integer::intValue).sum()).isLessThanOrEqualTo(2 * 100);
        assertThat(pauses).hasSize(101);
    }

    @Test
    void aRefusalWithoutRetryDelayDoesNotPause() {
        receive(READ_AHEAD / 2 - 1);
        demand.received(Duration.ZERO);
        assertThat(requests).containsExactly(READ_AHEAD, READ_AHEAD / 2);
        assertThat(pauses).isEmpty();
    }

    private void receive(int events) {
        for (int i = 0; i < events; i++) {
            demand.received(Duration.ZERO);
        }
    }
}
