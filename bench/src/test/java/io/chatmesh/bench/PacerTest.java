package io.chatmesh.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PacerTest {

    @Test
    void itWakesAtMostOncePerTick() {
        long tick = Pacer.TICK_NANOS;

        // slower than a tick apart: woken when due; faster: a tick after the last wake, sending what fell due
        assertThat(Pacer.wakeAt(5 * tick, 0)).isEqualTo(5 * tick);
        assertThat(Pacer.wakeAt(tick, 0)).isEqualTo(tick);
        assertThat(Pacer.wakeAt(tick / 5, 0)).isEqualTo(tick);
        assertThat(Pacer.wakeAt(Long.MAX_VALUE - tick / 2, Long.MAX_VALUE - tick)).isEqualTo(Long.MAX_VALUE); // nanoTime may wrap
    }
}
