package io.chatmesh.chat.api;

import io.chatmesh.chat.domain.RandomMatching;
import io.chatmesh.platform.auth.Principal;
import io.chatmesh.platform.grpc.GrpcErrors;
import io.chatmesh.proto.room.v1.MatchRandomResponse;
import io.grpc.stub.ServerCallStreamObserver;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The waiting side of MatchRandom, a long-poll: the call holds no thread while it waits; a
 * small scheduler runs its attempts ({@link RandomMatching#attempt}) until one matches, and the
 * call's cancellation (the client gave up, or its deadline passed) leaves the queue.
 */
public final class RandomMatchCalls implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RandomMatchCalls.class);

    private final RandomMatching matching;
    private final Duration attemptInterval;
    private final ScheduledExecutorService attempts;

    public RandomMatchCalls(RandomMatching matching, Duration attemptInterval, int threads) {
        this.matching = matching;
        this.attemptInterval = attemptInterval;
        this.attempts = Executors.newScheduledThreadPool(threads, Thread.ofPlatform().name("match-random-", 0).daemon()
                .factory());
    }

    /** Enters the queue now (refusals fail the call at once), then waits in the background. */
    void wait(Principal caller, RandomMatching.Ticket ticket, ServerCallStreamObserver<MatchRandomResponse> response) {
        AtomicBoolean ended = new AtomicBoolean();
        response.setOnCancelHandler(() -> {
            if (ended.compareAndSet(false, true)) {
                try {
                    attempts.execute(() -> leave(ticket));
                } catch (RejectedExecutionException shuttingDown) {
                    // the ticket then expires on its own after its lifetime
                }
            }
        });
        schedule(caller, ticket, response, ended, Duration.ZERO);
    }

    private void schedule(Principal caller, RandomMatching.Ticket ticket,
            ServerCallStreamObserver<MatchRandomResponse> response, AtomicBoolean ended, Duration delay) {
        attempts.schedule(() -> attempt(caller, ticket, response, ended), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void attempt(Principal caller, RandomMatching.Ticket ticket,
            ServerCallStreamObserver<MatchRandomResponse> response, AtomicBoolean ended) {
        if (ended.get()) {
            return;
        }
        Optional<RandomMatching.Match> match;
        try {
            match = matching.attempt(caller, ticket);
        } catch (RuntimeException e) {
            if (ended.compareAndSet(false, true)) {
                leave(ticket);
                response.onError(GrpcErrors.toStatusException(e));
            }
            return;
        }
        if (match.isEmpty()) {
            schedule(caller, ticket, response, ended, attemptInterval);
            return;
        }
        if (ended.compareAndSet(false, true)) {
            response.onNext(MatchRandomResponse.newBuilder()
                    .setRoom(RoomProtos.toProto(match.get().room()))
                    .setMatchedUserId(match.get().matchedUserId())
                    .build());
            response.onCompleted();
        }
    }

    private void leave(RandomMatching.Ticket ticket) {
        try {
            matching.leave(ticket);
        } catch (RuntimeException e) {
            // the ticket then expires on its own after its lifetime (seen when the database stops first)
            log.warn("could not take a random-match ticket out of the queue: {}", e.toString());
        }
    }

    @Override
    public void close() {
        attempts.shutdownNow();
    }
}
