package io.chatmesh.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SummaryTest {

    private static final Summary.Rate NONE = new Summary.Rate(0, 0);
    private static final Summary.Latency NO_LATENCY = new Summary.Latency(0, 0, 0, 0, 0);
    private static final Summary.Correctness CLEAN = new Summary.Correctness(10, 10, 50, 0, 0, 0, 0, 0, 0, 0, 0);

    @Test
    void changesThatWentMissingTwiceOrUnansweredAndRefusedOnesAreProblems() {
        Summary.Changes changes = new Summary.Changes(NONE, NONE, NO_LATENCY, NONE, NO_LATENCY, Map.of(),
                new Summary.ChangeDelivery(6, 5, 25, 2, 1, 1, 0));

        assertThat(summary(changes, Map.of("change stream error FAILED_PRECONDITION", 1L)).problems())
                .containsExactly("2 deliveries of acked changes missing at the end of the drain",
                        "1 deliveries of changes more than once to a stream", "1 changes still unanswered after the drain", "1 errors");
    }

    @Test
    void aCleanRunWithOrWithoutChangesHasNone() {
        Summary.Changes clean = new Summary.Changes(NONE, NONE, NO_LATENCY, NONE, NO_LATENCY, Map.of(),
                new Summary.ChangeDelivery(6, 6, 30, 0, 0, 0, 0));

        assertThat(summary(clean, Map.of()).problems()).isEmpty();
        assertThat(summary(null, Map.of()).problems()).isEmpty();
    }

    private static Summary summary(Summary.Changes changes, Map<String, Long> errors) {
        return new Summary("run", Flags.parse(new String[] {}), 1, NONE, NONE, NO_LATENCY, NONE, NO_LATENCY, changes,
                NONE, errors, CLEAN, new Summary.Reopening(0, 0, 0, 0, 0), null, null);
    }
}
