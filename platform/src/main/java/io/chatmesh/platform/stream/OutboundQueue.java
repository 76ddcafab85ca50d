package io.chatmesh.platform.stream;

import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbound side of one server stream: any thread may {@link #offer} events; they are
 * written in order, only while the transport {@code isReady()}, resumed from the on-ready
 * handler. At most {@code capacity} events wait; one more means the client cannot keep up,
 * and the stream is closed with RESOURCE_EXHAUSTED instead of growing memory without bound.
 *
 * <p>Must be created inside the handler method, before it returns, because it installs the
 * stream's on-ready handler.
 */
public final class OutboundQueue<T> {

    /** Status a slow consumer's stream is closed with. */
    public static final Status SLOW_CONSUMER =
            Status.RESOURCE_EXHAUSTED.withDescription("SLOW_CONSUMER: outbound queue overflowed");
    /** Status a stream is ended with when the server has no memory left to write to it. */
    public static final Status OUT_OF_BUFFERS =
            Status.RESOURCE_EXHAUSTED.withDescription("OVERLOADED: no memory to write the stream's next event");
    /** Streams dropped for reading too slowly (Micrometer's global registry, which the service's joins). */
    private static final Counter SLOW_CONSUMERS = Metrics.counter("chatmesh.streams.slow.consumers");
    /** Streams ended because an event could not be written (no buffer memory). */
    private static final Counter WRITE_FAILURES = Metrics.counter("chatmesh.streams.write.failures");
    private static final Logger log = LoggerFactory.getLogger(OutboundQueue.class);

    private final ServerCallStreamObserver<T> observer;
    private final int capacity;
    private final Queue<T> pending = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    /** Work-in-progress counter: only the thread that raises it from 0 writes (serializes onNext). */
    private final AtomicInteger drainRequests = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Status closeStatus;

    public OutboundQueue(ServerCallStreamObserver<T> observer, int capacity) {
        this.observer = observer;
        this.capacity = capacity;
        observer.setOnReadyHandler(this::drain);
    }

    /**
     * Queues an event. Returns false (and drops it) if the stream is closed, or if this event
     * overflowed the queue, in which case the stream is being closed with {@link #SLOW_CONSUMER}.
     */
    public boolean offer(T event) {
        if (closed.get()) {
            return false;
        }
        if (size.incrementAndGet() > capacity) {
            size.decrementAndGet();
            close(SLOW_CONSUMER);
            return false;
        }
        pending.add(event);
        drain();
        return true;
    }

    /** Ends the stream after the queued events, with OK. */
    public void complete() {
        close(Status.OK);
    }

    /** Ends the stream after the queued events (already queued events still go out first). */
    public void close(Status status) {
        if (closed.compareAndSet(false, true)) {
            if (status == SLOW_CONSUMER) {
                SLOW_CONSUMERS.increment();
            }
            closeStatus = status;
            drain();
        }
    }

    public boolean isClosed() {
        return closed.get();
    }

    public int queued() {
        return size.get();
    }

    private void drain() {
        if (drainRequests.getAndIncrement() != 0) {
            return;
        }
        int missed = 1;
        while (true) {
            try {
                writeWhileReady();
            } catch (RuntimeException e) {
                // The call was cancelled under us; nothing more can be written.
                pending.clear();
                closed.set(true);
                return;
            } catch (OutOfMemoryError e) {
                // The transport could not get a buffer for the event (direct memory runs out
                // under overload): this stream ends, and the thread writing it, often the fan-out
                // serving every stream, goes on.
                abandon(e);
                return;
            }
            missed = drainRequests.addAndGet(-missed);
            if (missed == 0) {
                return;
            }
        }
    }

    private void abandon(OutOfMemoryError cause) {
        pending.clear();
        if (closed.compareAndSet(false, true)) {
            WRITE_FAILURES.increment();
            log.warn("ended a stream: no memory to write its next event ({})", cause.getMessage());
            try {
                observer.onError(OUT_OF_BUFFERS.asRuntimeException());
            } catch (RuntimeException | OutOfMemoryError again) {
                // nothing more can be sent on it; the client's deadline or keepalive ends it
            }
        }
    }

    private void writeWhileReady() {
        if (observer.isCancelled()) {
            pending.clear();
            closed.set(true);
            return;
        }
        while (observer.isReady()) {
            T next = pending.poll();
            if (next == null) {
                break;
            }
            size.decrementAndGet();
            observer.onNext(next);
        }
        Status status = closeStatus;
        // SLOW_CONSUMER closes at once; a normal close waits for the queue to empty.
        if (status != null && (pending.isEmpty() || status == SLOW_CONSUMER)) {
            closeStatus = null;
            pending.clear();
            if (status.isOk()) {
                observer.onCompleted();
            } else {
                observer.onError(status.asRuntimeException());
            }
        }
    }
}
