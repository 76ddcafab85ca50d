package io.chatmesh.platform.stream;

import io.chatmesh.platform.error.ChatmeshException;
import io.chatmesh.platform.grpc.GrpcErrors;
import io.grpc.Status;
import io.grpc.StatusException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.grpc.stub.ServerCallStreamObserver;
import java.time.Duration;
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
 * and the stream is closed with RESOURCE_EXHAUSTED (reason SLOW_CONSUMER) instead of growing
 * memory without bound. A stream ended with an error carries its details (ErrorInfo, RetryInfo)
 * in the closing status's trailers, as a unary call's error does.
 *
 * <p>Must be created inside the handler method, before it returns, because it installs the
 * stream's on-ready handler.
 */
public final class OutboundQueue<T> {

    /** Why a slow consumer's stream is closed. */
    static final ChatmeshException SLOW_CONSUMER = ChatmeshException.slowConsumer(
            "SLOW_CONSUMER: outbound queue overflowed; reconnect and resume from your cursors");
    /** Why a stream is ended when the server has no memory left to write to it. */
    static final ChatmeshException OUT_OF_BUFFERS = ChatmeshException.overloaded(
            "OVERLOADED: no memory to write the stream's next event", Duration.ofSeconds(1));
    /** The ending of a stream that completes (its trailers are never used). */
    private static final StatusException COMPLETED = Status.OK.asException();
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
    /** How the stream ends once closed (OK: completes); null before and once written. */
    private volatile StatusException ending;
    /** Whether the ending goes out at once, dropping what is queued (a slow consumer). */
    private volatile boolean endingAtOnce;

    public OutboundQueue(ServerCallStreamObserver<T> observer, int capacity) {
        this.observer = observer;
        this.capacity = capacity;
        observer.setOnReadyHandler(this::drain);
    }

    /**
     * Queues an event. Returns false (and drops it) if the stream is closed, or if this event
     * overflowed the queue, in which case the stream is being closed as a slow consumer.
     */
    public boolean offer(T event) {
        if (closed.get()) {
            return false;
        }
        if (size.incrementAndGet() > capacity) {
            size.decrementAndGet();
            closeAsSlowConsumer();
            return false;
        }
        pending.add(event);
        drain();
        return true;
    }

    /** Ends the stream after the queued events, with OK. */
    public void complete() {
        end(COMPLETED, false);
    }

    /** Ends the stream after the queued events with a plain status (no details). */
    public void close(Status status) {
        end(status.isOk() ? COMPLETED : status.asException(), false);
    }

    /** Ends the stream after the queued events with the error's status and details. */
    public void close(ChatmeshException why) {
        end(GrpcErrors.toStatusException(why), false);
    }

    /** Ends the stream after the queued events with a status and its trailers as they are. */
    public void close(StatusException how) {
        end(how, false);
    }

    /**
     * Ends the stream at once, dropping what is queued: RESOURCE_EXHAUSTED, reason SLOW_CONSUMER.
     * The client resumes from its cursors.
     */
    public void closeAsSlowConsumer() {
        if (end(GrpcErrors.toStatusException(SLOW_CONSUMER), true)) {
            SLOW_CONSUMERS.increment();
        }
    }

    /** Whether this call closed the queue (the first close wins). */
    private boolean end(StatusException how, boolean atOnce) {
        if (!closed.compareAndSet(false, true)) {
            return false;
        }
        endingAtOnce = atOnce;
        ending = how; // each close builds its own: the transport adds to the trailers it is given
        drain();
        return true;
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
                observer.onError(GrpcErrors.toStatusException(OUT_OF_BUFFERS));
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
        StatusException end = ending;
        // a slow consumer is closed at once; any other close waits for the queue to empty
        if (end != null && (pending.isEmpty() || endingAtOnce)) {
            ending = null;
            pending.clear();
            if (end.getStatus().isOk()) {
                observer.onCompleted();
            } else {
                observer.onError(end);
            }
        }
    }
}
