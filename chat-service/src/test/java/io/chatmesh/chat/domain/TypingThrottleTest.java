package io.chatmesh.chat.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TypingThrottleTest {

    private final AtomicLong nanos = new AtomicLong();
    private final TypingThrottle throttle = new TypingThrottle(Duration.ofSeconds(1), nanos::get);

    @Test
    void allowsOneEventPerRoomPerInterval() {
        assertThat(throttle.tryAcquire("a")).isTrue();
        assertThat(throttle.tryAcquire("a")).isFalse();
        assertThat(throttle.tryAcquire("b")).isTrue();

        nanos.addAndGet(Duration.ofMillis(999).toNanos());
        assertThat(throttle.tryAcquire("a")).isFalse();
        nanos.addAndGet(Duration.ofMillis(1).toNanos());
        assertThat(throttle.tryAcquire("a")).isTrue();
    }

    @Test
    void tracksABoundedNumberOfRooms() {
        for (int i = 0; i < TypingThrottle.MAX_TRACKED_ROOMS; i++) {
            assertThat(throttle.tryAcquire("room-" + i)).isTrue();
        }
        assertThat(throttle.tryAcquire("one-too-many")).isFalse();

        nanos.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(throttle.tryAcquire("one-too-many")).isTrue();
    }
}
