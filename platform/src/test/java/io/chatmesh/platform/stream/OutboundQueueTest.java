package io.chatmesh.platform.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.ErrorInfo;
import io.chatmesh.platform.error.ChatmeshException;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class OutboundQueueTest {

    /** A transport whose readiness the test controls. */
    static final class FakeStream extends ServerCallStreamObserver<String> {
        final List<String> written = new ArrayList<>();
        boolean ready = true;
        boolean cancelled;
        Runnable onReady = () -> {};
        Status closedWith;
        /** The chatmesh reason in the closing status's trailers (ErrorInfo); "" if none. */
        String closedReason = "";
        /** Events whose write fails as a transport out of direct buffer memory does. */
        String unwritable;

        void becomeReady() {
            ready = true;
            onReady.run();
        }

        @Override public boolean isReady() { return ready; }
        @Override public void setOnReadyHandler(Runnable handler) { onReady = handler; }
        @Override public boolean isCancelled() { return cancelled; }
        @Override public void setOnCancelHandler(Runnable handler) {}
        @Override public void setCompression(String compression) {}
        @Override public void request(int count) {}
        @Override public void setMessageCompression(boolean enable) {}
        @Override public void disableAutoInboundFlowControl() {}
        @Override public void onNext(String value) {
            if (value.equals(unwritable)) {
                throw new OutOfMemoryError("Cannot reserve 2097152 bytes of direct buffer memory");
            }
            written.add(value);
        }
        @Override public void onError(Throwable t) {
            closedWith = Status.fromThrowable(t);
            com.google.rpc.Status details = StatusProto.fromThrowable(t);
            closedReason = details == null ? "" : details.getDetailsList().stream().filter(a -> a.is(ErrorInfo.class))
                    .map(OutboundQueueTest::reason).findFirst().orElse("");
        }
        @Override public void onCompleted() { closedWith = Status.OK; }
    }

    @Test
    void writesInOrderWhileReadyAndWaitsForOnReadyOtherwise() {
        FakeStream stream = new FakeStream();
        OutboundQueue<String> queue = new OutboundQueue<>(stream, 10);

        queue.offer("a");
        stream.ready = false;
        queue.offer("b");
        queue.offer("c");
        assertThat(stream.written).containsExactly("a");
        assertThat(queue.queued()).isEqualTo(2);

        stream.becomeReady();
        assertThat(stream.written).containsExactly("a", "b", "c");
        assertThat(queue.queued()).isZero();
    }

    @Test
    void aSlowConsumerIsClosedWithResourceExhaustedInsteadOfGrowingTheQueue() {
        FakeStream stream = new FakeStream();
        stream.ready = false;
        OutboundQueue<String> queue = new OutboundQueue<>(stream, 2);

        assertThat(queue.offer("a")).isTrue();
        assertThat(queue.offer("b")).isTrue();
        assertThat(queue.offer("c")).isFalse();

        assertThat(stream.closedWith.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(stream.closedReason).isEqualTo("SLOW_CONSUMER");
        assertThat(queue.isClosed()).isTrue();
        assertThat(queue.offer("d")).isFalse();
        stream.becomeReady();
        assertThat(stream.written).isEmpty();
    }

    @Test
    void completeSendsWhatIsQueuedFirst() {
        FakeStream stream = closedAfterLastWords(OutboundQueue::complete);
        assertThat(stream.closedWith).isEqualTo(Status.OK);
    }

    @Test
    void anErrorCloseCarriesItsDetailsAfterTheQueuedEvents() {
        FakeStream stream = closedAfterLastWords(queue -> queue.close(ChatmeshException.unauthenticated("token expired")));
        assertThat(stream.closedWith.getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(stream.closedReason).isEqualTo("UNAUTHENTICATED");
    }

    /** Queues an event while the transport is not ready, closes, then lets it write: the event goes first. */
    private static FakeStream closedAfterLastWords(Consumer<OutboundQueue<String>> close) {
        FakeStream stream = new FakeStream();
        stream.ready = false;
        OutboundQueue<String> queue = new OutboundQueue<>(stream, 10);
        queue.offer("last words");
        close.accept(queue);
        assertThat(stream.closedWith).isNull();

        stream.becomeReady();
        assertThat(stream.written).containsExactly("last words");
        assertThat(queue.offer("too late")).isFalse();
        return stream;
    }

    @Test
    void nothingIsWrittenToACancelledCall() {
        FakeStream stream = new FakeStream();
        OutboundQueue<String> queue = new OutboundQueue<>(stream, 10);
        stream.cancelled = true;
        queue.offer("a");
        assertThat(stream.written).isEmpty();
        assertThat(queue.isClosed()).isTrue();
    }

    @Test
    void aStreamWhoseEventCannotBeWrittenEndsAndTheWritingThreadGoesOn() {
        FakeStream stream = new FakeStream();
        OutboundQueue<String> queue = new OutboundQueue<>(stream, 10);
        stream.unwritable = "b";

        assertThat(queue.offer("a")).isTrue();
        queue.offer("b"); // must not throw at the fan-out thread that offers it

        assertThat(stream.written).containsExactly("a");
        assertThat(queue.isClosed()).isTrue();
        assertThat(stream.closedWith.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(stream.closedReason).isEqualTo("OVERLOADED");
        assertThat(queue.offer("c")).isFalse();
        assertThat(stream.written).containsExactly("a");
    }

    private static String reason(Any any) {
        try {
            return any.unpack(ErrorInfo.class).getReason();
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }
}
