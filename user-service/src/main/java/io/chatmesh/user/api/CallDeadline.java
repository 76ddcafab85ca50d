package io.chatmesh.user.api;

import io.grpc.Context;
import io.grpc.Deadline;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** The deadline of the gRPC call the current thread is serving, for domain code that must not outlast it. */
public final class CallDeadline {

    private CallDeadline() {}

    /** Time left until the current call's deadline (negative once past); empty when it has none or outside a call. */
    public static Optional<Duration> timeLeft() {
        Deadline deadline = Context.current().getDeadline();
        return deadline == null ? Optional.empty() : Optional.of(Duration.ofNanos(deadline.timeRemaining(TimeUnit.NANOSECONDS)));
    }
}
