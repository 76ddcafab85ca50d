package io.chatmesh.chat.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class DeliveredSeqsTest {

    private final DeliveredSeqs delivered = new DeliveredSeqs();

    @Test
    void aSeqIsNewOncePerRoom() {
        assertThat(delivered.add("a", 1)).isTrue();
        assertThat(delivered.add("a", 2)).isTrue();
        assertThat(delivered.add("b", 1)).isTrue();

        assertThat(delivered.add("a", 1)).isFalse();
        assertThat(delivered.add("a", 2)).isFalse();
        assertThat(delivered.add("b", 1)).isFalse();
    }

    @Test
    void aSkippedSeqIsNewWhenItComesLateAndOnlyOnce() {
        delivered.add("a", 1);
        delivered.add("a", 3);
        delivered.add("a", 4);

        assertThat(delivered.add("a", 2)).isTrue();
        assertThat(delivered.add("a", 2)).isFalse();
        assertThat(LongStream.rangeClosed(1, 4)).allMatch(seq -> !delivered.add("a", seq));
        assertThat(delivered.add("a", 5)).isTrue();
    }

    @Test
    void everySeqUpToAResumeCursorCountsAsSent() {
        delivered.add("a", 12);
        delivered.addUpTo("a", 10);

        assertThat(LongStream.rangeClosed(1, 10)).allMatch(seq -> !delivered.add("a", seq));
        assertThat(delivered.add("a", 12)).isFalse();
        assertThat(delivered.add("a", 11)).isTrue();
        delivered.addUpTo("b", 0);
        assertThat(delivered.add("b", 1)).isTrue();
    }

    @Test
    void beyondTheRangeLimitTheOldestRangeIsForgotten() {
        // every other seq: each sent seq is a range of its own
        for (int i = 0; i <= DeliveredSeqs.MAX_RANGES_PER_ROOM; i++) {
            delivered.add("a", 2L * i + 1);
        }

        assertThat(delivered.add("a", 1)).as("forgotten: sent again").isTrue();
        assertThat(delivered.add("a", 5)).isFalse();
        assertThat(delivered.add("a", 2L * DeliveredSeqs.MAX_RANGES_PER_ROOM + 1)).isFalse();
    }
}
