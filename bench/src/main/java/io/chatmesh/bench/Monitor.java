package io.chatmesh.bench;

import java.io.PrintStream;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The reporter's clock while sending runs: every 5 s (and when the warmup and the sending
 * end) it harvests the latency histograms, reads the counters and the processes' CPU, and
 * prints an interval line. It keeps what the summary is made of: counters and CPU at the
 * start and end of the measured part, and the latencies recorded from its start until the
 * drain is over (late answers to measured sends must count, or the tail would hide).
 */
final class Monitor {

    static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(5);

    /** Counters and CPU at one tick; {@code nanos} is when the counters were read. */
    record Tick(long nanos, Stats.Counts counts, long errors, ProcessStats.CpuSample cpu) {}

    /** The measured part: its boundaries, and the latencies of everything answered since it began. */
    record Window(Tick start, Tick end, Histogram ackLatency, Histogram deliveryLatency, Histogram changeAckLatency,
            Histogram changeDeliveryLatency) {
        double seconds() {
            return (end.nanos() - start.nanos()) / 1e9;
        }
    }

    private final Stats stats;
    private final ProcessStats processes;
    private final PrintStream out;
    private final boolean flooding;
    private final boolean changing;
    private final Histogram ackLatency = LatencyRecorder.empty();
    private final Histogram deliveryLatency = LatencyRecorder.empty();
    private final Histogram changeAckLatency = LatencyRecorder.empty();
    private final Histogram changeDeliveryLatency = LatencyRecorder.empty();
    private Tick start;
    private Tick end;

    Monitor(Stats stats, ProcessStats processes, PrintStream out, boolean flooding, boolean changing) {
        this.stats = stats;
        this.processes = processes;
        this.out = out;
        this.flooding = flooding;
        this.changing = changing;
    }

    /** Ticks from {@code sendStart} until {@code sendEnd}; the measured part begins at {@code measureStart}. */
    void run(long sendStart, long measureStart, long sendEnd) throws InterruptedException {
        TreeSet<Long> ticks = new TreeSet<>();
        for (long t = sendStart + INTERVAL_NANOS; t - sendEnd < 0; t += INTERVAL_NANOS) {
            ticks.add(t);
        }
        ticks.add(measureStart);
        ticks.add(sendEnd);
        ticks.remove(sendStart);
        Tick previous = tick();
        start = previous;
        stats.ackLatency.interval(); // setup-time recordings are not part of the run
        stats.deliveryLatency.interval();
        stats.changeAckLatency.interval();
        stats.changeDeliveryLatency.interval();
        for (long due : ticks) {
            sleepUntil(due);
            Histogram acks = stats.ackLatency.interval();
            Histogram deliveries = stats.deliveryLatency.interval();
            Histogram changeAcks = stats.changeAckLatency.interval();
            Histogram changeDeliveries = stats.changeDeliveryLatency.interval();
            Tick now = tick();
            boolean warmup = due - measureStart <= 0;
            if (!warmup) {
                ackLatency.add(acks);
                deliveryLatency.add(deliveries);
                changeAckLatency.add(changeAcks);
                changeDeliveryLatency.add(changeDeliveries);
            }
            out.println(Report.interval((due - sendStart) / 1e9, warmup, previous, now, acks, deliveries,
                    changing ? changeDeliveries : null, processes, flooding));
            if (due == measureStart) {
                start = now;
            }
            if (due == sendEnd) {
                end = now;
            }
            previous = now;
        }
    }

    /** The measured part, with what was answered during the drain; after {@link #run}. */
    Window window() {
        ackLatency.add(stats.ackLatency.interval());
        deliveryLatency.add(stats.deliveryLatency.interval());
        changeAckLatency.add(stats.changeAckLatency.interval());
        changeDeliveryLatency.add(stats.changeDeliveryLatency.interval());
        return new Window(start, end, ackLatency, deliveryLatency, changeAckLatency, changeDeliveryLatency);
    }

    /** Reads /proc first (it takes a few ms), then the counters, so those are read at {@code nanos}. */
    private Tick tick() {
        ProcessStats.CpuSample cpu = processes.sample();
        return new Tick(System.nanoTime(), stats.counts(),
                stats.errors().values().stream().mapToLong(Long::longValue).sum(), cpu);
    }

    private static void sleepUntil(long due) throws InterruptedException {
        for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }
}
