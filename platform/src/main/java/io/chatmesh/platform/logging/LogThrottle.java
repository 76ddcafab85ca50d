package io.chatmesh.platform.logging;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * Lets one log line through per interval and counts the ones held back, for failures that
 * callers can repeat at will (clients reconnecting into an overloaded dependency) and that
 * must not fill the logs; the line that gets through says how many were held back before it.
 * Any thread.
 */
public final class LogThrottle {

    private final long intervalNanos;
    private final LongSupplier nanoClock;
    private final AtomicLong nextNanos;
    private final AtomicLong heldBack = new AtomicLong();

    public LogThrottle(Duration interval) {
        this(interval, System::nanoTime);
    }

    /** @param nanoClock System.nanoTime or a test's */
    LogThrottle(Duration interval, LongSupplier nanoClock) {
        this.intervalNanos = interval.toNanos();
        this.nanoClock = nanoClock;
        this.nextNanos = new AtomicLong(nanoClock.getAsLong());
    }

    /** -1 when this line is to be held back (it is counted); else how many were held back since the last one logged. */
    public long admit() {
        long now = nanoClock.getAsLong();
        long next = nextNanos.get();
        if (now - next < 0 || !nextNanos.compareAndSet(next, now + intervalNanos)) {
            heldBack.incrementAndGet();
            return -1;
        }
        return heldBack.getAndSet(0);
    }

    /**
     * Logs the line at WARN if {@link #admit} lets it through, {@link #heldBackNote} at its end
     * (a Throwable as the last argument stays last, so its stack trace is printed).
     */
    public void warn(Logger log, String format, Object... arguments) {
        long heldBack = admit();
        if (heldBack < 0) {
            return;
        }
        int noteAt = arguments.length > 0 && arguments[arguments.length - 1] instanceof Throwable
                ? arguments.length - 1 : arguments.length;
        Object[] withNote = Arrays.copyOf(arguments, arguments.length + 1);
        System.arraycopy(arguments, noteAt, withNote, noteAt + 1, arguments.length - noteAt);
        withNote[noteAt] = heldBackNote(heldBack);
        log.warn(format + "{}", withNote);
    }

    /** For the line {@link #admit} let through: how many were held back before it, or nothing. */
    static String heldBackNote(long heldBack) {
        return heldBack <= 0 ? "" : " (" + heldBack + " more since the last such line)";
    }
}
