package io.chatmesh.bench;

import io.chatmesh.bench.Stats.Counter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The figures of a run. Rates and latencies cover the measured part only (latencies include
 * the answers to its sends that came during the drain); errors and the delivery check cover
 * the whole run, warmup included. {@code sent} to {@code deliveryLatency} are about new
 * messages only.
 *
 * @param changes null without --change-share
 * @param totalDeliveries deliveries of messages and changes (the open-loop senders'; flooders' apart)
 * @param flood null without flooders
 */
public record Summary(
        String runId,
        Workload workload,
        double seconds,
        Rate sent,
        Rate acked,
        Latency ackLatency,
        Rate deliveries,
        Latency deliveryLatency,
        Changes changes,
        Rate totalDeliveries,
        Map<String, Long> errors,
        Correctness correctness,
        Reopening reopening,
        Flood flood,
        Cost cost) {

    public record Rate(long count, double perSecond) {}

    /** Milliseconds. */
    public record Latency(long count, double p50, double p99, double p999, double max) {
        static Latency of(Histogram histogram) {
            return new Latency(histogram.getTotalCount(), millis(histogram.getValueAtPercentile(50)),
                    millis(histogram.getValueAtPercentile(99)), millis(histogram.getValueAtPercentile(99.9)),
                    millis(histogram.getMaxValue()));
        }

        private static double millis(long micros) {
            return micros / 1000.0;
        }
    }

    /**
     * Every acked message should reach every connected member of its room once, in seq order.
     *
     * @param missing deliveries that never came, summed over acked messages
     * @param surplus deliveries beyond one per connected member, summed over acked messages
     * @param unanswered sends that got neither an Ack nor an error
     */
    public record Correctness(long sent, long acked, long expected, long missing, long surplus, long duplicates,
            long outOfOrder, long unrecognized, long otherRoom, long unanswered, long deliveriesOfUnacked) {}

    /**
     * Streams whose call ended and that resumed on a new one (whole run): dropped by --churn
     * (the server's closes are among the errors), reopened (got Ready again), sends sent again
     * with their client_ids, second answers to them, and changes given up because they went
     * out on a call that ended unanswered.
     */
    public record Reopening(long dropped, long reopened, long resent, long repeatedAnswers, long changesUnknown) {
        boolean any() {
            return dropped + reopened + resent + repeatedAnswers + changesUnknown > 0;
        }
    }

    /**
     * The message changes (--change-share): rates and latencies of the measured part, like the
     * messages'; {@code sentByKind} and {@code delivery} cover the whole run.
     */
    public record Changes(Rate sent, Rate acked, Latency ackLatency, Rate deliveries, Latency deliveryLatency,
            Map<String, Long> sentByKind, ChangeDelivery delivery) {}

    /**
     * Every acked change should reach every connected member of its room once (their order is
     * checked with the messages', in {@link Correctness}: one sequence per room).
     */
    public record ChangeDelivery(long sent, long acked, long expected, long missing, long surplus, long unanswered,
            long deliveriesOfUnacked) {}

    /** The flooders' side: their acks, the refusals (RESOURCE_EXHAUSTED) by reason, their deliveries. */
    record Flood(int flooders, Rate acked, Rate refused, Map<String, Long> refusals, Rate deliveries) {}

    /**
     * CPU over the measured part: seconds, percent of one core, per delivery (of a message or a
     * change, flooders' included) and per acked message or change.
     */
    record Cpu(double seconds, double percent, double microsPerDelivery, double microsPerMessage) {}

    /**
     * @param server null unless --server-pid was given
     * @param postgres null unless --pg-data was given
     * @param together null unless both were given
     * @param machine every process on the machine
     * @param others the machine less server, PostgreSQL and bench: load that competed with the run
     * @param cores the machine's cores (so 100 * cores percent is all of it)
     * @param serverThreads the server's CPU by thread group (ProcessStats.threadGroup), most first;
     *        threads that ended during the measured part are in {@code server} only
     * @param serverRssKib -1 when not measured
     * @param postgresPssKib -1 when not measured
     */
    record Cost(Cpu server, Cpu postgres, Cpu together, Cpu bench, Cpu machine, Cpu others, int cores,
            Map<String, Cpu> serverThreads, long serverRssKib, long postgresPssKib, int postgresProcesses) {}

    static Summary of(String runId, Workload workload, Monitor.Window window, Stats.Counts finalCounts,
            DeliveryLedger.Tally tally, DeliveryLedger.Tally changeTally, Map<String, Long> errors,
            Map<String, Long> floodRefusals, ProcessStats processes, ProcessStats.Memory memory) {
        double seconds = window.seconds();
        Stats.Counts measured = window.end().counts().minus(window.start().counts());
        Correctness correctness = new Correctness(tally.sent(), tally.acked(), tally.expected(), tally.missing(),
                tally.surplus(), finalCounts.get(Counter.DUPLICATE), finalCounts.get(Counter.OUT_OF_ORDER),
                finalCounts.get(Counter.UNRECOGNIZED), finalCounts.get(Counter.OTHER_ROOM),
                finalCounts.unanswered(), tally.deliveriesOfUnacked());
        Flood flood = workload.flooders() == 0 ? null : new Flood(workload.flooders(),
                rate(measured, Counter.FLOOD_ACKED, seconds), rate(measured, Counter.FLOOD_REFUSED, seconds),
                floodRefusals, rate(measured, Counter.FLOOD_DELIVERED, seconds));
        Changes changes = workload.changeShare() == 0 ? null : new Changes(
                new Rate(measured.changesSent(), measured.changesSent() / seconds),
                rate(measured, Counter.CHANGES_ACKED, seconds), Latency.of(window.changeAckLatency()),
                rate(measured, Counter.CHANGES_DELIVERED, seconds), Latency.of(window.changeDeliveryLatency()),
                sentByKind(finalCounts),
                new ChangeDelivery(changeTally.sent(), changeTally.acked(), changeTally.expected(),
                        changeTally.missing(), changeTally.surplus(), finalCounts.unansweredChanges(),
                        changeTally.deliveriesOfUnacked()));
        long allDeliveries = measured.get(Counter.DELIVERED) + measured.get(Counter.CHANGES_DELIVERED);
        Reopening reopening = new Reopening(finalCounts.get(Counter.DROPPED), finalCounts.get(Counter.REOPENED),
                finalCounts.get(Counter.RESENT), finalCounts.get(Counter.REPEATED_ANSWER),
                finalCounts.get(Counter.CHANGES_UNKNOWN));
        return new Summary(runId, workload, seconds,
                rate(measured, Counter.SENT, seconds), rate(measured, Counter.ACKED, seconds),
                Latency.of(window.ackLatency()),
                rate(measured, Counter.DELIVERED, seconds), Latency.of(window.deliveryLatency()),
                changes, new Rate(allDeliveries, allDeliveries / seconds),
                errors, correctness, reopening, flood, cost(window, measured, processes, memory));
    }

    private static Map<String, Long> sentByKind(Stats.Counts counts) {
        Map<String, Long> kinds = new LinkedHashMap<>();
        kinds.put("edits", counts.get(Counter.EDITS_SENT));
        kinds.put("deletes", counts.get(Counter.DELETES_SENT));
        kinds.put("reactionsAdded", counts.get(Counter.REACTIONS_ADDED));
        kinds.put("reactionsRemoved", counts.get(Counter.REACTIONS_REMOVED));
        return kinds;
    }

    private static Rate rate(Stats.Counts counts, Counter counter, double seconds) {
        return new Rate(counts.get(counter), counts.get(counter) / seconds);
    }

    private static Cost cost(Monitor.Window window, Stats.Counts measured, ProcessStats processes,
            ProcessStats.Memory memory) {
        ProcessStats.CpuSample start = window.start().cpu();
        ProcessStats.CpuSample end = window.end().cpu();
        long deliveries = measured.get(Counter.DELIVERED) + measured.get(Counter.CHANGES_DELIVERED)
                + measured.get(Counter.FLOOD_DELIVERED);
        long messages = measured.get(Counter.ACKED) + measured.get(Counter.CHANGES_ACKED)
                + measured.get(Counter.FLOOD_ACKED);
        double seconds = window.seconds();
        long serverTicks = end.serverTicks() - start.serverTicks();
        long postgresTicks = end.postgresTicks() - start.postgresTicks();
        Cpu server = processes.measuresServer()
                ? cpu(processes.seconds(serverTicks), seconds, deliveries, messages) : null;
        Cpu postgres = processes.measuresPostgres()
                ? cpu(processes.seconds(postgresTicks), seconds, deliveries, messages) : null;
        Cpu together = server != null && postgres != null
                ? cpu(processes.seconds(serverTicks + postgresTicks), seconds, deliveries, messages) : null;
        long benchTicks = end.benchTicks() - start.benchTicks();
        long machineTicks = end.machineTicks() - start.machineTicks();
        Cpu bench = cpu(processes.seconds(benchTicks), seconds, deliveries, messages);
        Cpu machine = cpu(processes.seconds(machineTicks), seconds, deliveries, messages);
        Cpu others = cpu(processes.seconds(Math.max(0, machineTicks - serverTicks - postgresTicks - benchTicks)),
                seconds, deliveries, messages);
        Map<String, Cpu> threads = new LinkedHashMap<>();
        threadTicks(start, end).entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(group -> threads.put(group.getKey(),
                        cpu(processes.seconds(group.getValue()), seconds, deliveries, messages)));
        return new Cost(server, postgres, together, bench, machine, others, processes.cores, threads,
                memory.serverRssKib(), memory.postgresPssKib(), memory.postgresProcesses());
    }

    /** Each group's CPU between the samples: of the threads alive at the end, since the start or their own. */
    static Map<String, Long> threadTicks(ProcessStats.CpuSample start, ProcessStats.CpuSample end) {
        Map<String, Long> groups = new HashMap<>();
        end.serverThreads().forEach((tid, thread) -> {
            ProcessStats.ThreadTicks before = start.serverThreads().get(tid);
            long ticks = thread.ticks() - (before == null ? 0 : before.ticks());
            if (ticks > 0) {
                groups.merge(thread.group(), ticks, Long::sum);
            }
        });
        return groups;
    }

    private static Cpu cpu(double cpuSeconds, double seconds, long deliveries, long messages) {
        return new Cpu(cpuSeconds, 100 * cpuSeconds / seconds,
                deliveries == 0 ? 0 : cpuSeconds * 1e6 / deliveries, messages == 0 ? 0 : cpuSeconds * 1e6 / messages);
    }

    /** What --check fails on; never speed. Expected flood refusals are not problems. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        Correctness c = correctness;
        problem(problems, c.missing(), "deliveries of acked messages missing at the end of the drain");
        problem(problems, c.surplus(), "deliveries more than once to a stream");
        problem(problems, c.duplicates(), "duplicate deliveries");
        problem(problems, c.outOfOrder(), "out-of-order deliveries");
        problem(problems, c.unrecognized() + c.otherRoom(), "events the bench did not send");
        problem(problems, c.unanswered(), "sends still unanswered after the drain");
        if (changes != null) {
            ChangeDelivery d = changes.delivery();
            problem(problems, d.missing(), "deliveries of acked changes missing at the end of the drain");
            problem(problems, d.surplus(), "deliveries of changes more than once to a stream");
            problem(problems, d.unanswered(), "changes still unanswered after the drain");
        }
        problem(problems, errors.values().stream().mapToLong(Long::longValue).sum(), "errors");
        return problems;
    }

    private static void problem(List<String> problems, long count, String what) {
        if (count > 0) {
            problems.add(count + " " + what);
        }
    }
}
