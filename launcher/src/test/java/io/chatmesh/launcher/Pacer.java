package io.chatmesh.launcher;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * A well-behaved client beside a fuzzer: does step 0, 1, 2, ... on its own thread, a pause
 * apart, until stopped. The pause only paces it; nothing depends on its length.
 */
final class Pacer implements AutoCloseable {

    private final Thread thread;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean stopped;
    private volatile int steps;

    private Pacer(String name, Duration pause, IntConsumer step) {
        thread = Thread.ofPlatform().name(name).daemon().start(() -> {
            try {
                for (int i = 0; !stopped; i++) {
                    step.accept(i);
                    steps = i + 1;
                    Thread.sleep(pause);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Throwable t) {
                failure.set(t);
            }
        });
    }

    static Pacer start(String name, Duration pause, IntConsumer step) {
        return new Pacer(name, pause, step);
    }

    /** Stops after the current step; returns how many steps were done, or fails as a step failed. */
    int stop() {
        stopped = true;
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (failure.get() != null) {
            throw new AssertionError("the well-behaved client " + thread.getName() + " failed", failure.get());
        }
        return steps;
    }

    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
    }
}
