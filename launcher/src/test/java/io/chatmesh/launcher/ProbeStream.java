package io.chatmesh.launcher;

import static org.awaitility.Awaitility.await;

import io.chatmesh.testkit.StreamRecorder;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.util.List;
import java.util.function.Predicate;

/** A raw-bytes stream for one deterministic probe: send chosen frames, then look at every answer. */
final class ProbeStream<E> implements AutoCloseable {

    private final StreamRecorder<E> events = new StreamRecorder<>();
    private final RawConnect<E> raw;

    ProbeStream(Channel channel, MethodDescriptor<?, E> method, String headerToken) {
        raw = new RawConnect<>(channel, method, headerToken, events::onNext);
    }

    void send(byte[] frame) {
        raw.send(frame);
    }

    /** Waits for the first event matching (or the end of the stream); null when the stream ended first. */
    E awaitFirst(FuzzSeed seed, Predicate<E> matching) {
        await(seed + ": an answer on the probe stream").atMost(StreamRecorder.PATIENCE)
                .until(() -> raw.ended() || !events.all(matching).isEmpty());
        List<E> found = events.all(matching);
        return found.isEmpty() ? null : found.get(0);
    }

    /** Everything received so far, in order. */
    List<E> events() {
        return events.all(e -> true);
    }

    /** How the server ended the stream; null while it is open. */
    Status end() {
        return raw.end().getNow(null);
    }

    @Override
    public void close() {
        raw.cancel();
    }
}
