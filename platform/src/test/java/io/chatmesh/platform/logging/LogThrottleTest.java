package io.chatmesh.platform.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LogThrottleTest {

    private final AtomicLong now = new AtomicLong(1_000);
    private final LogThrottle throttle = new LogThrottle(Duration.ofSeconds(10), now::get);

    @Test
    void oneLinePerIntervalGetsThroughSayingHowManyWereHeldBack() {
        assertThat(throttle.admit()).as("the first at once").isZero();
        assertThat(throttle.admit()).isEqualTo(-1);
        now.addAndGet(Duration.ofSeconds(9).toNanos());
        assertThat(throttle.admit()).isEqualTo(-1);

        now.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(throttle.admit()).as("held back before it").isEqualTo(2);
        assertThat(throttle.admit()).isEqualTo(-1);

        now.addAndGet(Duration.ofMinutes(5).toNanos());
        assertThat(throttle.admit()).isEqualTo(1);
        assertThat(throttle.admit()).isEqualTo(-1);
    }

    @Test
    void theLineLetThroughNamesWhatWasHeldBackIfAnything() {
        assertThat(LogThrottle.heldBackNote(0)).isEmpty();
        assertThat(LogThrottle.heldBackNote(3)).contains("3");
    }
}
