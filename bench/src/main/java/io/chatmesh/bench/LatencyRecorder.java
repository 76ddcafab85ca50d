package io.chatmesh.bench;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

/**
 * A latency histogram written from many threads without contention: each thread records into
 * its own single-writer recorder (wait-free, no shared cache line), and the reporter adds
 * them up for each interval. Values are kept in microseconds, 3 significant digits.
 */
final class LatencyRecorder {

    private static final long MAX_MICROS = 3_600_000_000L;

    private final List<SingleWriterRecorder> recorders = new CopyOnWriteArrayList<>();
    private final ThreadLocal<SingleWriterRecorder> mine = ThreadLocal.withInitial(() -> {
        SingleWriterRecorder recorder = new SingleWriterRecorder(1, MAX_MICROS, 3);
        recorders.add(recorder);
        return recorder;
    });

    void record(long nanos) {
        mine.get().recordValue(Math.clamp(nanos / 1000, 1, MAX_MICROS));
    }

    /** Everything recorded since the last call. */
    Histogram interval() {
        Histogram sum = empty();
        for (SingleWriterRecorder recorder : recorders) {
            sum.add(recorder.getIntervalHistogram());
        }
        return sum;
    }

    static Histogram empty() {
        return new Histogram(1, MAX_MICROS, 3);
    }
}
