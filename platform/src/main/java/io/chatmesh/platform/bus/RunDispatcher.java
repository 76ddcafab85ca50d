package io.chatmesh.platform.bus;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A thread that takes everything queued (up to a number of events) and hands it on as one run,
 * in the order it was queued: many publishers' work for the price of one hand-over.
 */
final class RunDispatcher<T> {

    private static final Logger log = LoggerFactory.getLogger(RunDispatcher.class);

    private final BlockingQueue<T> queue = new LinkedBlockingQueue<>();
    private final int maxRun;
    private final ToIntFunction<T> eventsIn;
    private final Consumer<List<T>> deliver;
    private final Thread thread;
    private volatile boolean stopped;

    /**
     * @param maxRun most events in one run (a single item may exceed it)
     * @param eventsIn how many events an item holds
     */
    RunDispatcher(String threadName, int maxRun, ToIntFunction<T> eventsIn, Consumer<List<T>> deliver) {
        this.maxRun = maxRun;
        this.eventsIn = eventsIn;
        this.deliver = deliver;
        // daemon: a bus nobody closed must not keep the JVM alive
        this.thread = Thread.ofPlatform().name(threadName).daemon().start(this::dispatch);
    }

    void add(T item) {
        queue.add(item);
    }

    int queued() {
        return queue.size();
    }

    /** Stops the thread; returns what it had not taken yet. */
    List<T> stop() {
        stopped = true;
        thread.interrupt();
        List<T> left = new ArrayList<>();
        queue.drainTo(left);
        return left;
    }

    private void dispatch() {
        List<T> run = new ArrayList<>();
        while (!stopped) {
            try {
                run.add(queue.take());
            } catch (InterruptedException e) {
                return;
            }
            int events = eventsIn.applyAsInt(run.getFirst());
            while (events < maxRun) {
                T next = queue.poll();
                if (next == null) {
                    break;
                }
                run.add(next);
                events += eventsIn.applyAsInt(next);
            }
            try {
                deliver.accept(run);
            } catch (RuntimeException | Error e) {
                // The thread outlives any one run: without it the topic would stop for good (an
                // OutOfMemoryError of direct buffers under overload once ended a live dispatcher).
                log.error("dispatching a run on {} failed", thread.getName(), e);
            }
            run.clear();
        }
    }
}
