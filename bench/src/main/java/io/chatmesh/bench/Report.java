package io.chatmesh.bench;

import io.chatmesh.bench.Stats.Counter;
import java.io.PrintStream;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;

/** The bench's output: interval lines, the summary as text, and the summary as JSON. */
final class Report {

    /** Thread groups the summary names; the rest are added up. */
    private static final int SHOWN_THREAD_GROUPS = 8;

    private Report() {
    }

    /** @param changeDeliveryLatency null without message changes */
    static String interval(double elapsedSeconds, boolean warmup, Monitor.Tick previous, Monitor.Tick now,
            Histogram ackLatency, Histogram deliveryLatency, Histogram changeDeliveryLatency, ProcessStats processes,
            boolean flooding) {
        double seconds = (now.nanos() - previous.nanos()) / 1e9;
        Stats.Counts delta = now.counts().minus(previous.counts());
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "[%6.1fs%s]", elapsedSeconds,
                warmup ? " warmup" : ""));
        line.append(" sent ").append(perSecond(delta.get(Counter.SENT), seconds))
                .append(" acked ").append(perSecond(delta.get(Counter.ACKED), seconds))
                .append(" ack ").append(latencies(Summary.Latency.of(ackLatency), false))
                .append(" | delivered ").append(perSecond(delta.get(Counter.DELIVERED), seconds))
                .append(' ').append(latencies(Summary.Latency.of(deliveryLatency), false));
        if (changeDeliveryLatency != null) {
            line.append(" | changes sent ").append(perSecond(delta.changesSent(), seconds))
                    .append(" acked ").append(perSecond(delta.get(Counter.CHANGES_ACKED), seconds))
                    .append(" delivered ").append(perSecond(delta.get(Counter.CHANGES_DELIVERED), seconds))
                    .append(' ').append(latencies(Summary.Latency.of(changeDeliveryLatency), false));
        }
        line.append(" | errors ").append(now.errors() - previous.errors());
        if (flooding) {
            line.append(" | flood acked ").append(perSecond(delta.get(Counter.FLOOD_ACKED), seconds))
                    .append(" refused ").append(perSecond(delta.get(Counter.FLOOD_REFUSED), seconds));
        }
        line.append(" | cpu");
        if (processes.measuresServer()) {
            line.append(" server ").append(percent(now.cpu().serverTicks() - previous.cpu().serverTicks(), seconds,
                    processes));
        }
        if (processes.measuresPostgres()) {
            line.append(" pg ").append(percent(now.cpu().postgresTicks() - previous.cpu().postgresTicks(), seconds,
                    processes));
        }
        line.append(" bench ").append(percent(now.cpu().benchTicks() - previous.cpu().benchTicks(), seconds,
                processes));
        line.append(" machine ").append(percent(now.cpu().machineTicks() - previous.cpu().machineTicks(), seconds,
                processes)).append(" of ").append(100 * processes.cores).append('%');
        return line.toString();
    }

    static void print(Summary s, PrintStream out) {
        Summary.Correctness c = s.correctness();
        out.printf(Locale.ROOT, "== run %s: %s%n", s.runId(), s.workload().describe());
        out.printf(Locale.ROOT, "measured      %.1f s%n", s.seconds());
        out.printf(Locale.ROOT, "sent          %s (%d)%n", perSecond(s.sent()), s.sent().count());
        out.printf(Locale.ROOT, "acked         %s (%d), send to ack %s%n", perSecond(s.acked()), s.acked().count(),
                latencies(s.ackLatency(), false));
        out.printf(Locale.ROOT, "delivered     %s (%d), send to delivery %s%n", perSecond(s.deliveries()),
                s.deliveries().count(), latencies(s.deliveryLatency(), true));
        if (s.changes() != null) {
            Summary.Changes ch = s.changes();
            Summary.ChangeDelivery d = ch.delivery();
            out.printf(Locale.ROOT, "changes sent  %s (%d), acked %s (%d), send to ack %s%n", perSecond(ch.sent()),
                    ch.sent().count(), perSecond(ch.acked()), ch.acked().count(), latencies(ch.ackLatency(), false));
            out.printf(Locale.ROOT, "changes dlvd  %s (%d), send to delivery %s%n", perSecond(ch.deliveries()),
                    ch.deliveries().count(), latencies(ch.deliveryLatency(), true));
            out.printf(Locale.ROOT, "all delivered %s (%d): messages and changes%n", perSecond(s.totalDeliveries()),
                    s.totalDeliveries().count());
            out.printf(Locale.ROOT, "changes       whole run: %s; %d sent, %d acked, %d deliveries expected: "
                            + "%d missing, %d surplus, %d unanswered (%d deliveries of unacked changes)%n",
                    counts(ch.sentByKind()), d.sent(), d.acked(), d.expected(), d.missing(), d.surplus(),
                    d.unanswered(), d.deliveriesOfUnacked());
        }
        out.printf(Locale.ROOT, "errors        %s%n", counts(s.errors()));
        out.printf(Locale.ROOT, "deliveries    whole run: %d sent, %d acked, %d deliveries expected: %d missing, "
                        + "%d surplus, %d duplicate, %d out of order, %d unrecognized, %d unanswered sends"
                        + " (%d deliveries of unacked messages)%n",
                c.sent(), c.acked(), c.expected(), c.missing(), c.surplus(), c.duplicates(), c.outOfOrder(),
                c.unrecognized() + c.otherRoom(), c.unanswered(), c.deliveriesOfUnacked());
        Summary.Reopening r = s.reopening();
        if (r.any()) {
            out.printf(Locale.ROOT, "reopened      whole run: %d streams resumed on a new call (%d calls dropped by --churn),"
                            + " %d sends sent again, %d second answers, %d changes of unknown outcome%n",
                    r.reopened(), r.dropped(), r.resent(), r.repeatedAnswers(), r.changesUnknown());
        }
        if (s.flood() != null) {
            Summary.Flood f = s.flood();
            out.printf(Locale.ROOT, "flood         %d flooder(s): acked %s, refused %s (whole run: %s), delivered %s;"
                            + " open-loop senders' ack p99 meanwhile %.2f ms%n",
                    f.flooders(), perSecond(f.acked()), perSecond(f.refused()), counts(f.refusals()),
                    perSecond(f.deliveries()), s.ackLatency().p99());
        }
        Summary.Cost cost = s.cost();
        StringBuilder cpu = new StringBuilder();
        cpu(cpu, "server", cost.server());
        cpu(cpu, "postgresql", cost.postgres());
        cpu(cpu, "together", cost.together());
        cpu(cpu, "bench", cost.bench());
        out.printf(Locale.ROOT, "cpu          %s%n", cpu);
        if (!cost.serverThreads().isEmpty()) {
            out.printf(Locale.ROOT, "threads       server's, us/delivery: %s%n", threads(cost.serverThreads()));
        }
        if (s.changes() != null) {
            out.printf("              (with changes: us/delivery counts deliveries of messages and changes, us/message acked messages and changes)%n");
        }
        out.printf(Locale.ROOT, "machine       %.1f%% of %d%%, other processes %.1f%%%n", cost.machine().percent(),
                100 * cost.cores(), cost.others().percent());
        if (cost.serverRssKib() >= 0 || cost.postgresPssKib() >= 0) {
            out.printf(Locale.ROOT, "memory       %s%s%n",
                    cost.serverRssKib() < 0 ? "" : " server VmRSS " + cost.serverRssKib() / 1024 + " MiB",
                    cost.postgresPssKib() < 0 ? "" : " postgresql PSS " + cost.postgresPssKib() / 1024 + " MiB ("
                            + cost.postgresProcesses() + " processes)");
        }
        List<String> problems = s.problems();
        out.printf("result        %s%n", problems.isEmpty() ? "OK" : "PROBLEMS: " + String.join("; ", problems));
    }

    /** The groups that used most, then the rest together. */
    private static String threads(Map<String, Summary.Cpu> groups) {
        List<String> shown = new ArrayList<>();
        double rest = 0;
        int i = 0;
        for (Map.Entry<String, Summary.Cpu> group : groups.entrySet()) {
            if (i++ < SHOWN_THREAD_GROUPS) {
                shown.add(String.format(Locale.ROOT, "%s %.1f", group.getKey(), group.getValue().microsPerDelivery()));
            } else {
                rest += group.getValue().microsPerDelivery();
            }
        }
        if (groups.size() > SHOWN_THREAD_GROUPS) {
            shown.add(String.format(Locale.ROOT, "%d others %.1f", groups.size() - SHOWN_THREAD_GROUPS, rest));
        }
        return String.join(", ", shown);
    }

    private static void cpu(StringBuilder line, String name, Summary.Cpu cpu) {
        if (cpu != null) {
            line.append(String.format(Locale.ROOT, " %s %.1f%% (%.1f us/delivery, %.1f us/message)", name,
                    cpu.percent(), cpu.microsPerDelivery(), cpu.microsPerMessage()));
        }
    }

    private static String latencies(Summary.Latency latency, boolean withP999) {
        if (latency.count() == 0) {
            return "-";
        }
        return String.format(Locale.ROOT, "p50 %.2f p99 %.2f%s max %.2f ms", latency.p50(), latency.p99(),
                withP999 ? String.format(Locale.ROOT, " p999 %.2f", latency.p999()) : "", latency.max());
    }

    private static String perSecond(Summary.Rate rate) {
        return number(rate.perSecond()) + "/s";
    }

    private static String perSecond(long count, double seconds) {
        return number(count / seconds) + "/s";
    }

    private static String percent(long ticks, double seconds, ProcessStats processes) {
        return String.format(Locale.ROOT, "%.0f%%", 100 * processes.seconds(ticks) / seconds);
    }

    private static String counts(Map<String, Long> counts) {
        return counts.isEmpty() ? "none" : counts.entrySet().stream()
                .map(e -> e.getKey() + ": " + e.getValue()).collect(Collectors.joining(", "));
    }

    /** A rate or count, with a decimal only while it is small. */
    static String number(double value) {
        return value >= 100 || value == Math.rint(value)
                ? String.format(Locale.ROOT, "%.0f", value) : String.format(Locale.ROOT, "%.1f", value);
    }

    /** The summary as JSON: records become objects named by their components. */
    static String json(Summary summary) {
        StringBuilder out = new StringBuilder();
        write(out, summary);
        return out.append('\n').toString();
    }

    private static void write(StringBuilder out, Object value) {
        switch (value) {
            case null -> out.append("null");
            case Record record -> {
                out.append('{');
                RecordComponent[] components = record.getClass().getRecordComponents();
                for (int i = 0; i < components.length; i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    string(out, components[i].getName());
                    out.append(':');
                    try {
                        write(out, components[i].getAccessor().invoke(record));
                    } catch (ReflectiveOperationException e) {
                        throw new IllegalStateException(e);
                    }
                }
                out.append('}');
            }
            case Map<?, ?> map -> {
                out.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    out.append(first ? "" : ",");
                    first = false;
                    string(out, String.valueOf(entry.getKey()));
                    out.append(':');
                    write(out, entry.getValue());
                }
                out.append('}');
            }
            case Collection<?> list -> {
                out.append('[');
                boolean first = true;
                for (Object item : list) {
                    out.append(first ? "" : ",");
                    first = false;
                    write(out, item);
                }
                out.append(']');
            }
            case Double d when d.isNaN() || d.isInfinite() -> out.append("null");
            case Number number -> out.append(number);
            case Boolean bool -> out.append(bool);
            case java.time.Duration duration -> out.append(duration.toNanos() / 1e9);
            default -> string(out, value.toString());
        }
    }

    private static void string(StringBuilder out, String text) {
        out.append('"');
        for (char ch : text.toCharArray()) {
            switch (ch) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (ch < 0x20) {
                        out.append(String.format("\\u%04x", (int) ch));
                    } else {
                        out.append(ch);
                    }
                }
            }
        }
        out.append('"');
    }
}
