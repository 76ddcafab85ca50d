package io.chatmesh.chat.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.chatmesh.platform.error.ChatmeshException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SendLimiterTest {

    private final AtomicLong nanos = new AtomicLong();

    @Test
    void aBurstThenTheRateAndTheWaitNamedInTheRefusal() {
        SendLimiter limiter = new SendLimiter(2, 3, nanos::get);
        for (int i = 0; i < 3; i++) {
            limiter.acquire("alice");
        }
        ChatmeshException refused = catchThrowableOfType(ChatmeshException.class, () -> limiter.acquire("alice"));
        assertThat(refused.kind()).isEqualTo(ChatmeshException.Kind.RESOURCE_EXHAUSTED);
        assertThat(refused.reason()).isEqualTo(ChatmeshException.Reason.RATE_LIMITED);
        assertThat(refused.retryDelay()).contains(Duration.ofMillis(500));

        // another user has an allowance of their own
        limiter.acquire("bob");

        nanos.addAndGet(Duration.ofMillis(500).toNanos());
        limiter.acquire("alice");
        assertThatThrownBy(() -> limiter.acquire("alice")).isInstanceOf(ChatmeshException.class);

        // resting refills the bucket up to the burst, no further
        nanos.addAndGet(Duration.ofMinutes(1).toNanos());
        for (int i = 0; i < 3; i++) {
            limiter.acquire("alice");
        }
        assertThatThrownBy(() -> limiter.acquire("alice")).isInstanceOf(ChatmeshException.class);
    }

    @Test
    void aRateOfZeroLimitsNothing() {
        SendLimiter limiter = new SendLimiter(0, 1, nanos::get);
        for (int i = 0; i < 1000; i++) {
            limiter.acquire("alice");
        }
    }
}
