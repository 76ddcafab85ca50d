package io.chatmesh.message.domain;

import io.chatmesh.platform.error.ChatmeshException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads waiting for the message that posts their attachment to be stored: the send claimed the
 * attachment and its message reached the members' streams, but a persister (of this instance or
 * another) has not stored it yet. One thread asks the store about every waiting attachment at
 * once, every {@link #CHECK_INTERVAL}, so waiting holds no caller's thread and costs one query per
 * interval however many wait. A wait ends with its value once a stored message carries the
 * attachment, NOT_FOUND once its bound passed, and is dropped when its caller cancels it. What
 * depends on a wait's future (the start of a download: opening the content, its first chunk) runs
 * on that thread.
 */
final class PostingWaits implements AutoCloseable {

    /** How often the waiting attachments are looked up. */
    static final Duration CHECK_INTERVAL = Duration.ofMillis(25);
    /** Waits at a time; a download beyond them is NOT_FOUND at once, as if its bound had passed. */
    static final int MAX_WAITS = 10_000;
    /** Attachment ids per store query. */
    private static final int QUERY_BATCH = 500;

    private static final Logger log = LoggerFactory.getLogger(PostingWaits.class);

    /** {@code posted} completes {@code future} with its value. */
    private record Wait(String attachmentId, CompletableFuture<?> future, Runnable posted, long deadlineNanos) {}

    private final AttachmentStore store;
    private final Duration bound;
    private final ScheduledThreadPoolExecutor timer;
    /** Guarded by this, as are the two flags. */
    private final List<Wait> waits = new ArrayList<>();
    private boolean checkScheduled;
    private boolean closed;
    /** Whether the last lookup failed (logged once per streak, so an outage cannot fill the log); the check thread's. */
    private boolean lookupFailing;

    /** @param bound how long one download waits at most; zero: never */
    PostingWaits(AttachmentStore store, Duration bound) {
        if (bound.isNegative()) {
            throw new IllegalArgumentException("posting wait must not be negative: " + bound);
        }
        this.store = store;
        this.bound = bound;
        // its thread starts with the first wait
        this.timer = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().daemon().name("attachment-posting-waits").factory());
    }

    /**
     * Completes with {@code value} once a stored message that is not deleted carries the
     * attachment, or fails NOT_FOUND after the bound (at once when the bound is zero or too many
     * downloads wait). Cancelling the future ends the wait.
     */
    synchronized <T> CompletableFuture<T> await(String attachmentId, T value) {
        CompletableFuture<T> future = new CompletableFuture<>();
        if (closed) {
            future.completeExceptionally(shuttingDown());
            return future;
        }
        if (bound.isZero() || waits.size() >= MAX_WAITS) {
            future.completeExceptionally(notFound(attachmentId));
            return future;
        }
        waits.add(new Wait(attachmentId, future, () -> future.complete(value), System.nanoTime() + bound.toNanos()));
        scheduleCheck();
        return future;
    }

    /** Downloads waiting now. */
    synchronized int waiting() {
        return waits.size();
    }

    /** Ends every wait, and refuses new ones, with UNAVAILABLE; stops the thread. */
    @Override
    public void close() {
        List<Wait> ended;
        synchronized (this) {
            closed = true;
            ended = List.copyOf(waits);
            waits.clear();
        }
        timer.shutdownNow();
        ended.forEach(w -> w.future().completeExceptionally(shuttingDown()));
    }

    /** Holding the lock. */
    private void scheduleCheck() {
        if (!checkScheduled && !closed && !waits.isEmpty()) {
            checkScheduled = true;
            timer.schedule(this::check, CHECK_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void check() {
        List<Wait> current;
        synchronized (this) {
            checkScheduled = false;
            waits.removeIf(w -> w.future().isDone()); // cancelled by their callers
            current = List.copyOf(waits);
        }
        Set<String> posted = posted(current);
        long now = System.nanoTime();
        List<Wait> found = current.stream().filter(w -> posted.contains(w.attachmentId())).toList();
        List<Wait> over = current.stream()
                .filter(w -> !posted.contains(w.attachmentId()) && now - w.deadlineNanos() >= 0).toList();
        Set<Wait> ended = new HashSet<>(found);
        ended.addAll(over);
        synchronized (this) {
            waits.removeIf(ended::contains);
            scheduleCheck();
        }
        // completed outside the lock: what depends on a wait (the start of a download) runs here
        found.forEach(w -> w.posted().run());
        over.forEach(w -> w.future().completeExceptionally(notFound(w.attachmentId())));
    }

    private static ChatmeshException shuttingDown() {
        return ChatmeshException.unavailable("shutting down");
    }

    private static ChatmeshException notFound(String attachmentId) {
        return ChatmeshException.notFound("attachment " + attachmentId);
    }

    /** The waiting attachments a stored message carries; none when the store fails (asked again next time). */
    private Set<String> posted(List<Wait> current) {
        List<String> ids = List.copyOf(new LinkedHashSet<>(current.stream().map(Wait::attachmentId).toList()));
        Set<String> posted = new LinkedHashSet<>();
        try {
            for (int from = 0; from < ids.size(); from += QUERY_BATCH) {
                posted.addAll(store.postedAmong(ids.subList(from, Math.min(ids.size(), from + QUERY_BATCH))));
            }
            lookupFailing = false;
        } catch (RuntimeException e) {
            if (!lookupFailing) {
                lookupFailing = true;
                log.warn("looking up attachments awaiting their message failed (logged once until it works): {}",
                        e.toString());
            }
        }
        return posted;
    }
}
