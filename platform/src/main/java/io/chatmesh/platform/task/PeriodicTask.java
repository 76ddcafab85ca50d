package io.chatmesh.platform.task;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Runs a task on a thread of its own every interval (the first time at start) while the
 * application runs. A failure is logged when the task starts failing and again when it
 * recovers, not on every run, so a database outage cannot fill the log.
 */
public final class PeriodicTask implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PeriodicTask.class);
    private static final long STOP_WAIT_SECONDS = 10;

    private final String name;
    private final Duration interval;
    private final Runnable task;
    private ScheduledExecutorService executor;
    private boolean failing;

    /** @param name names the thread and the task in the log, e.g. {@code attachment-sweeper} */
    public PeriodicTask(String name, Duration interval, Runnable task) {
        this.name = name;
        this.interval = interval;
        this.task = task;
    }

    @Override
    public synchronized void start() {
        executor = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name(name).factory());
        executor.scheduleWithFixedDelay(this::run, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void run() {
        try {
            task.run();
            if (failing) {
                failing = false;
                log.info("{} works again", name);
            }
        } catch (RuntimeException e) {
            if (!failing) {
                failing = true;
                log.warn("{} failed; trying again every {} (logged again once it works)", name, interval, e);
            }
        }
    }

    /** Stops the runs; one in progress may finish (up to {@value #STOP_WAIT_SECONDS} s) before this returns. */
    @Override
    public synchronized void stop() {
        if (executor != null) {
            executor.shutdownNow();
            try {
                executor.awaitTermination(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            executor = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return executor != null;
    }
}
