package io.chatmesh.chat.domain;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * At most one typing event per room per interval for one session; the excess is dropped.
 * Remembers a bounded number of rooms so a client naming many rooms cannot grow it.
 */
public final class TypingThrottle {

    static final int MAX_TRACKED_ROOMS = 256;

    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private final Map<String, Long> lastAccepted = new HashMap<>();

    public TypingThrottle(Duration interval, LongSupplier nanoTime) {
        this.intervalNanos = interval.toNanos();
        this.nanoTime = nanoTime;
    }

    /** True when an event for this room may go out now (and counts it). */
    public synchronized boolean tryAcquire(String roomId) {
        long now = nanoTime.getAsLong();
        Long last = lastAccepted.get(roomId);
        if (last != null && now - last < intervalNanos) {
            return false;
        }
        if (last == null && lastAccepted.size() >= MAX_TRACKED_ROOMS) {
            lastAccepted.values().removeIf(time -> now - time >= intervalNanos);
            if (lastAccepted.size() >= MAX_TRACKED_ROOMS) {
                return false;
            }
        }
        lastAccepted.put(roomId, now);
        return true;
    }
}
