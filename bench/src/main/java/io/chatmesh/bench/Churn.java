package io.chatmesh.bench;

import java.time.Duration;
import java.util.List;

/**
 * --churn: drops the streams' calls one after another, each once per interval, evenly spread,
 * while the others go on; each dropped stream resumes from its cursor and its sender sends
 * again what was unanswered ({@link StreamClient#drop}). A stream whose sender has a change
 * unanswered is passed over until the next round. Runs until the sending ends, so the drain
 * sees the last calls through.
 */
final class Churn implements Runnable {

    private final List<StreamClient> streams;
    private final long stepNanos;
    private final long endNanos;

    Churn(List<StreamClient> streams, Duration interval, long endNanos) {
        this.streams = List.copyOf(streams);
        this.stepNanos = Math.max(1, interval.toNanos() / Math.max(1, streams.size()));
        this.endNanos = endNanos;
    }

    @Override
    public void run() {
        long next = System.nanoTime() + stepNanos;
        for (int i = 0; next - endNanos < 0; i = (i + 1) % streams.size(), next += stepNanos) {
            try {
                Thread.sleep(Duration.ofNanos(Math.max(0, next - System.nanoTime())));
            } catch (InterruptedException e) {
                return;
            }
            streams.get(i).drop();
        }
    }
}
