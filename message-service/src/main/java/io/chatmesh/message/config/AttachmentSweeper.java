package io.chatmesh.message.config;

import io.chatmesh.message.domain.Attachments;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Removes expired uploads and unposted attachments, content included, every interval (and once
 * at start). Every instance sweeps; removing is idempotent, so instances racing do no harm.
 */
public final class AttachmentSweeper implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(AttachmentSweeper.class);

    private final Attachments attachments;
    private final Duration interval;
    private ScheduledExecutorService executor;

    public AttachmentSweeper(Attachments attachments, Duration interval) {
        this.attachments = attachments;
        this.interval = interval;
    }

    @Override
    public synchronized void start() {
        executor = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("attachment-sweeper")
                .factory());
        executor.scheduleWithFixedDelay(this::sweep, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void sweep() {
        try {
            attachments.sweepExpired();
        } catch (RuntimeException e) {
            log.warn("sweeping expired uploads failed; next try in {}", interval, e);
        }
    }

    @Override
    public synchronized void stop() {
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return executor != null;
    }
}
