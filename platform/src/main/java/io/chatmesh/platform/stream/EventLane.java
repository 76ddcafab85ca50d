package io.chatmesh.platform.stream;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one stream's inbound events in order, most of them on the thread gRPC calls with.
 *
 * <p>A stream whose callbacks run on its connection's event loop (see
 * {@code chatmesh.grpc.event-loop-methods}) saves a thread hand-off per event, but nothing on
 * that thread may block: the event loop serves every call of the connection, and in one JVM
 * the channels to other services too. So an event that may block (a database read, a call to
 * another service) runs on the {@code blocking} executor instead, and so does every event
 * after it until the lane has caught up: events never overtake each other, and a task never
 * runs while an earlier one still runs.
 *
 * <p>{@link #run} must be called by one thread at a time (gRPC calls a stream's callbacks one
 * at a time).
 */
public final class EventLane {

    private static final Logger log = LoggerFactory.getLogger(EventLane.class);

    private final Executor blocking;
    private final Queue<Runnable> queued = new ConcurrentLinkedQueue<>();
    /** Tasks handed to the blocking executor and not finished yet. */
    private final AtomicInteger unfinished = new AtomicInteger();

    public EventLane(Executor blocking) {
        this.blocking = blocking;
    }

    /**
     * Runs the task now, on this thread, if it cannot block and no earlier task is unfinished;
     * else after the earlier ones, on the blocking executor.
     */
    public void run(Runnable task, boolean mayBlock) {
        if (!mayBlock && unfinished.get() == 0) {
            task.run();
            return;
        }
        queued.add(task);
        if (unfinished.getAndIncrement() == 0) {
            blocking.execute(this::drain);
        }
    }

    private void drain() {
        do {
            Runnable task = queued.poll();
            try {
                task.run();
            } catch (RuntimeException e) {
                // the lane goes on: a later event must not wait for ever behind a failed one
                log.error("a stream event failed", e);
            }
        } while (unfinished.decrementAndGet() != 0);
    }
}
