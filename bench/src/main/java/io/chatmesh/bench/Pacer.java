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
 */
final class Pacer implements Runnable {

    private final List<Sender> senders;
    private final double nanosPerMessage;
    private final long start;
    private final long end;

    /** Sends from {@code start} until before {@code end} (System.nanoTime). */
    Pacer(List<Sender> senders, double rate, long start, long end) {
        this.senders = senders;
        this.nanosPerMessage = 1e9 / rate;
        this.start = start;
        this.end = end;
    }

    @Override
    public void run() {
        for (long n = 0; ; n++) {
            long due = start + (long) (n * nanosPerMessage);
            if (due - end >= 0) {
                return;
            }
            for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                LockSupport.parkNanos(wait);
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
            }
            senders.get((int) (n % senders.size())).send(due);
        }
    }
}
