package io.chatmesh.user.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.chatmesh.platform.error.ChatmeshException;
import io.chatmesh.user.domain.BoundedPasswordHasher.Limits;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A hang here is a failure, not a slow test. */
@Timeout(60)
class BoundedPasswordHasherTest {

    private static final Supplier<Optional<Duration>> NO_DEADLINE = Optional::empty;
    private static final Duration LONG = Duration.ofMinutes(1);

    private final GatedPasswordHasher gate = new GatedPasswordHasher();
    private final ExecutorService callers = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        gate.open();
        callers.shutdownNow();
    }

    @Test
    void runsAtMostMaxConcurrentHashesAndChecksWhileTheRestWaitTheirTurn() throws Exception {
        var hasher = new BoundedPasswordHasher(gate, new Limits(2, 10, LONG), NO_DEADLINE);
        gate.close();

        List<Future<String>> hashes = IntStream.range(0, 4)
                .mapToObj(i -> callers.submit(() -> hasher.hash("password" + i))).toList();
        List<Future<Boolean>> checks = IntStream.range(0, 4)
                .mapToObj(i -> callers.submit(() -> hasher.matches("password" + i, "hashed:password" + i))).toList();
        await().until(() -> gate.running() == 2 && hasher.waiting() == 6);
        assertThat(hasher.running()).isEqualTo(2);
        gate.open();

        for (int i = 0; i < 4; i++) {
            assertThat(hashes.get(i).get()).isEqualTo("hashed:password" + i);
            assertThat(checks.get(i).get()).isTrue();
        }
        assertThat(gate.mostRunning()).isEqualTo(2);
        assertThat(hasher.running()).isZero();
        assertThat(hasher.waiting()).isZero();
    }

    @Test
    void refusesWithResourceExhaustedWhenAsManyAsAllowedAreAlreadyWaiting() throws Exception {
        var hasher = new BoundedPasswordHasher(gate, new Limits(1, 2, LONG), NO_DEADLINE);
        gate.close();
        List<Future<String>> admitted = IntStream.range(0, 3)
                .mapToObj(i -> callers.submit(() -> hasher.hash("password" + i))).toList();
        await().until(() -> gate.running() == 1 && hasher.waiting() == 2);

        assertRefused(() -> hasher.hash("one too many"));
        assertRefused(() -> hasher.matches("one too many", "hashed:one too many"));
        assertThat(hasher.waiting()).isEqualTo(2);

        gate.open();
        for (Future<String> call : admitted) {
            assertThat(call.get()).startsWith("hashed:");
        }
        assertThat(hasher.hash("after the rush")).isEqualTo("hashed:after the rush");
    }

    @Test
    void withNoWaitingAllowedACallIsRefusedWheneverAllTurnsAreTaken() {
        var hasher = new BoundedPasswordHasher(gate, new Limits(1, 0, LONG), NO_DEADLINE);
        gate.close();
        callers.submit(() -> hasher.hash("first"));
        await().until(() -> gate.running() == 1);

        assertRefused(() -> hasher.hash("second"));
        assertThat(hasher.waiting()).isZero();
    }

    @Test
    void aWaiterGivesUpAfterMaxWait() {
        var hasher = new BoundedPasswordHasher(gate, new Limits(1, 5, Duration.ofMillis(50)), NO_DEADLINE);
        gate.close();
        callers.submit(() -> hasher.hash("first"));
        await().until(() -> gate.running() == 1);

        assertRefused(() -> hasher.hash("second"));
        assertThat(hasher.waiting()).isZero();
    }

    @Test
    void aWaiterGivesUpWhenItsCallerRunsOutOfTimeFirst() {
        var shortOfTime = new BoundedPasswordHasher(gate, new Limits(1, 5, LONG), () -> Optional.of(Duration.ofMillis(50)));
        gate.close();
        callers.submit(() -> shortOfTime.hash("first"));
        await().until(() -> gate.running() == 1);

        assertRefused(() -> shortOfTime.matches("second", "hashed:second"));
        assertThat(shortOfTime.waiting()).isZero();
    }

    @Test
    void aCallerAlreadyPastItsDeadlineDoesNotWaitAtAll() {
        var pastDeadline = new BoundedPasswordHasher(gate, new Limits(1, 5, LONG), () -> Optional.of(Duration.ofSeconds(-1)));
        gate.close();
        callers.submit(() -> pastDeadline.hash("first"));
        await().until(() -> gate.running() == 1);

        assertRefused(() -> pastDeadline.hash("second"));
    }

    @Test
    void aFailingHashGivesItsTurnBack() {
        PasswordHasher failing = new PasswordHasher() {
            @Override
            public String hash(String password) {
                throw new IllegalStateException("broken hasher");
            }

            @Override
            public boolean matches(String password, String hash) {
                return true;
            }
        };
        var hasher = new BoundedPasswordHasher(failing, new Limits(1, 0, Duration.ZERO), NO_DEADLINE);

        assertThatThrownBy(() -> hasher.hash("x")).isInstanceOf(IllegalStateException.class);
        assertThat(hasher.matches("x", "y")).isTrue();
        assertThat(hasher.running()).isZero();
    }

    @Test
    void limitsMustLetSomethingRun() {
        assertThatThrownBy(() -> new Limits(0, 1, LONG)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Limits(1, -1, LONG)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Limits(1, 1, Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
    }

    private static void assertRefused(ThrowingCallable call) {
        ChatmeshException refused = catchThrowableOfType(ChatmeshException.class, call);
        assertThat(refused).as("refused").isNotNull();
        assertThat(refused.kind()).isEqualTo(ChatmeshException.Kind.RESOURCE_EXHAUSTED);
        assertThat(refused.reason()).isEqualTo(ChatmeshException.Reason.OVERLOADED);
    }
}
