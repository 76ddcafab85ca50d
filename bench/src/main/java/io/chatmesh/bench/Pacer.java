package io.chatmesh.bench;

import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * The open-loop senders' clock: {@code rate} messages per second in total, the n-th due at
 * {@code start + n / rate} and sent by sender {@code n mod senders}, so each sender posts at
 * its own fixed interval and together they spread evenly. A send is never skipped or delayed
 * by an earlier one's answer; when the thread falls behind it sends what is due at once, and
 * each message carries the time it was due, so any delay shows up in the latencies instead
 * of hiding (no coordinated omission).
 *
 * <p>With a ramp, the rate rises linearly from 0 to {@code rate} over the ramp's length first,
 * so a cold server (and bench) is not hit by the full rate at once.
 *
 * <p>The thread wakes at most once per {@link #TICK_NANOS}: at rates above 1,000/s it sends
 * what fell due since its last wake together, each up to a tick after its due time (which its
 * latencies include). Waking for every message cost the bench a tenth of a core at 5,000/s on
 * the 2-core benchmark machine, most of it the kernel's timer wake-ups, which the server's
 * side of the machine then lacked (docs/performance.md, "Where the kernel's share goes").
 */
final class Pacer implements Runnable {

    /** Least time between two wakes of the pacer's thread. */
    static final long TICK_NANOS = 1_000_000;

    private final List<Sender> senders;
    private final double nanosPerMessage;
    private final double rampNanos;
    private final long start;
    private final long end;

    /** Sends from {@code start} until before {@code end} (System.nanoTime), ramping up for {@code rampNanos}. */
    Pacer(List<Sender> senders, double rate, long rampNanos, long start, long end) {
        this.senders = senders;
        this.nanosPerMessage = 1e9 / rate;
        this.rampNanos = rampNanos;
        this.start = start;
        this.end = end;
    }

    /**
     * When the n-th message is due, after start: n / rate at the full rate; during the ramp
     * (rate rising linearly over T, so n(t) = rate t² / 2T) at sqrt(2 T n / rate); after it,
     * n / rate + T / 2.
     */
    long offset(long n) {
        double fullRate = n * nanosPerMessage;
        return (long) (fullRate < rampNanos / 2 ? Math.sqrt(2 * rampNanos * fullRate) : fullRate + rampNanos / 2);
    }

    /** When to wake for a message due at {@code due}: then, or a tick after the last wake if that is later. */
    static long wakeAt(long due, long lastWake) {
        return due - (lastWake + TICK_NANOS) >= 0 ? due : lastWake + TICK_NANOS;
    }

    @Override
    public void run() {
        long lastWake = System.nanoTime() - TICK_NANOS;
        for (long n = 0; ; n++) {
            long due = start + offset(n);
            if (due - end >= 0) {
                return;
            }
            if (due - System.nanoTime() > 0) {
                long wakeAt = wakeAt(due, lastWake);
                for (long wait = wakeAt - System.nanoTime(); wait > 0; wait = wakeAt - System.nanoTime()) {
                    LockSupport.parkNanos(wait);
                    if (Thread.currentThread().isInterrupted()) {
                        return;
                    }
                }
                lastWake = System.nanoTime();
            }
            senders.get((int) (n % senders.size())).send(due);
        }
    }
}
