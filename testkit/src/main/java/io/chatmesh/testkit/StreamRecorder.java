package io.chatmesh.testkit;

import static org.awaitility.Awaitility.await;

import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** Records what a server stream sends, for tests to wait on. */
public final class StreamRecorder<T> implements StreamObserver<T> {

    /** Generous: the machine may be busy; nothing here is meant to measure speed. */
    public static final Duration PATIENCE = Duration.ofSeconds(60);

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
    public T awaitFirst(Predicate<T> matching) {
        return awaitCount(matching, 1).get(0);
    }

    /** Waits until at least {@code count} events match, and returns all that match. */
    public List<T> awaitCount(Predicate<T> matching, int count) {
        await().atMost(PATIENCE).until(() -> events.stream().filter(matching).count() >= count || ended());
        List<T> found = all(matching);
        if (found.size() < count) {
            throw new AssertionError("stream ended after " + found.size() + " of " + count + " matching events: " + error);
        }
        return found;
    }

    public List<T> all(Predicate<T> matching) {
        return events.stream().filter(matching).toList();
    }

    /** Waits until the server ended the stream (completed or failed). */
    public void awaitEnd() {
        await().atMost(PATIENCE).until(this::ended);
    }

    public boolean ended() {
        return completed || error != null;
    }

    /** How the stream failed, or null. */
    public Throwable error() {
        return error;
    }
}
