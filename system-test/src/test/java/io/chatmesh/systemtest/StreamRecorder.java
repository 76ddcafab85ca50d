package io.chatmesh.systemtest;

import static org.awaitility.Awaitility.await;

import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** Records what a server stream sends, for tests to wait on. */
final class StreamRecorder<T> implements StreamObserver<T> {

    /** Generous: the machine may be busy; nothing here is meant to measure speed. */
    static final Duration PATIENCE = Duration.ofSeconds(60);

    private final List<T> events = new CopyOnWriteArrayList<>();
    private volatile Throwable error;
    private volatile boolean completed;

    @Override
    public void onNext(T value) {
        events.add(value);
    }

    @Override
    public void onError(Throwable t) {
        error = t;
    }

    @Override
    public void onCompleted() {
        completed = true;
    }

    /** Waits for the first event matching, and returns it. */
    T awaitFirst(Predicate<T> matching) {
        return awaitCount(matching, 1).get(0);
    }

    /** Waits until at least {@code count} events match, and returns all that match. */
    List<T> awaitCount(Predicate<T> matching, int count) {
        await().atMost(PATIENCE).until(() -> events.stream().filter(matching).count() >= count || ended());
        List<T> found = all(matching);
        if (found.size() < count) {
            throw new AssertionError("stream ended after " + found.size() + " of " + count + " matching events: " + error);
        }
        return found;
    }

    List<T> all(Predicate<T> matching) {
        return events.stream().filter(matching).toList();
    }

    boolean ended() {
        return completed || error != null;
    }
}
