package io.chatmesh.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * CPU and memory of the processes under test, from /proc (Linux): the server's PIDs, and
 * PostgreSQL as its postmaster (named by the first line of {@code <data dir>/postmaster.pid})
 * plus the postmaster's children; and the whole machine's CPU, so what else ran meanwhile
 * shows. Backends that exit during the run are not lost: their CPU
 * moves into the postmaster's cutime/cstime when it reaps them, which is counted too.
 */
final class ProcessStats {

    /**
     * CPU used so far, in clock ticks, at one moment; {@code machineTicks}: all cores, every process;
     * {@code serverThreads}: the server's live threads by thread id.
     */
    record CpuSample(long serverTicks, long postgresTicks, long benchTicks, long machineTicks,
            Map<Long, ThreadTicks> serverThreads) {}

    /** One thread's CPU so far, and its {@link #threadGroup group}. */
    record ThreadTicks(String group, long ticks) {}

    /** Resident memory at the end: the server's VmRSS, PostgreSQL's summed PSS (KiB; -1 unknown). */
    record Memory(long serverRssKib, long postgresPssKib, int postgresProcesses) {}

    private final List<Long> serverPids;
    /** Null when PostgreSQL is not measured. */
    private final Path pgData;
    private final long benchPid = ProcessHandle.current().pid();
    final long clockTicksPerSecond = clockTicksPerSecond();
    final int cores = Runtime.getRuntime().availableProcessors();

    /** @throws IllegalArgumentException when a server PID or the PostgreSQL data directory's postmaster is not there */
    ProcessStats(List<Long> serverPids, Path pgData) {
        this.serverPids = List.copyOf(serverPids);
        this.pgData = pgData;
        for (long pid : serverPids) {
            if (stat(pid).isEmpty()) {
                throw new IllegalArgumentException("--server-pid " + pid + ": no such process");
            }
        }
        if (pgData != null && postmaster().isEmpty()) {
            throw new IllegalArgumentException("--pg-data " + pgData + ": no postmaster.pid (is PostgreSQL running?)");
        }
    }

    boolean measuresServer() {
        return !serverPids.isEmpty();
    }

    boolean measuresPostgres() {
        return pgData != null;
    }

    CpuSample sample() {
        long server = 0;
        for (long pid : serverPids) {
            server += stat(pid).map(stat -> cpu(stat, false)).orElse(0L);
        }
        long postgres = 0;
        OptionalLong postmaster = postmaster();
        if (postmaster.isPresent()) {
            postgres += stat(postmaster.getAsLong()).map(stat -> cpu(stat, true)).orElse(0L);
            for (String[] child : children(postmaster.getAsLong())) {
                postgres += cpu(child, false);
            }
        }
        long bench = stat(benchPid).map(stat -> cpu(stat, false)).orElse(0L);
        return new CpuSample(server, postgres, bench, machineBusyTicks(), serverThreads());
    }

    /** CPU of the server's threads alive now. */
    private Map<Long, ThreadTicks> serverThreads() {
        Map<Long, ThreadTicks> threads = new HashMap<>();
        for (long pid : serverPids) {
            threads(pid).forEach(stat -> threads.put(Long.parseLong(stat[0]),
                    new ThreadTicks(threadGroup(stat[1]), cpu(stat, false))));
        }
        return threads;
    }

    /**
     * A thread's group: its name without the numbers that tell a pool's threads apart
     * ({@code match-random-12}, {@code GC Thread#0}). Linux keeps the first 15 bytes of a name
     * ({@code grpc-default-wo} for gRPC's event loops).
     */
    static String threadGroup(String name) {
        String group = name.replaceFirst("[-_#. 0-9]+$", "");
        return group.isEmpty() ? name : group;
    }

    /** The stat fields of each thread of {@code pid}. */
    private static List<String[]> threads(long pid) {
        List<String[]> threads = new ArrayList<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            tasks.forEach(task -> stat(task.resolve("stat")).ifPresent(threads::add));
        } catch (IOException e) {
            return threads; // gone
        }
        return threads;
    }

    Memory memory() {
        long rss = measuresServer() ? 0 : -1;
        for (long pid : serverPids) {
            rss += kib(Path.of("/proc", Long.toString(pid), "status"), "VmRSS:");
        }
        long pss = -1;
        int processes = 0;
        OptionalLong postmaster = postmaster();
        if (postmaster.isPresent()) {
            List<Long> pids = new ArrayList<>(List.of(postmaster.getAsLong()));
            children(postmaster.getAsLong()).forEach(stat -> pids.add(Long.parseLong(stat[0])));
            pss = 0;
            for (long pid : pids) {
                pss += kib(Path.of("/proc", Long.toString(pid), "smaps_rollup"), "Pss:");
            }
            processes = pids.size();
        }
        return new Memory(rss, pss, processes);
    }

    double seconds(long ticks) {
        return (double) ticks / clockTicksPerSecond;
    }

    private OptionalLong postmaster() {
        return pgData == null ? OptionalLong.empty() : postmasterPidLine(pgData, 0);
    }

    /**
     * A number of a running PostgreSQL's {@code <data dir>/postmaster.pid}, by line (0 the
     * postmaster's PID, 3 its port); empty when the file or the line is not there.
     */
    static OptionalLong postmasterPidLine(Path pgData, int line) {
        try (Stream<String> lines = Files.lines(pgData.resolve("postmaster.pid"))) {
            return lines.skip(line).findFirst().map(String::trim).map(Long::parseLong)
                    .map(OptionalLong::of).orElse(OptionalLong.empty());
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** The stat fields of every process whose parent is {@code parent}. */
    private static List<String[]> children(long parent) {
        List<String[]> children = new ArrayList<>();
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            processes.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .forEach(p -> stat(Long.parseLong(p.getFileName().toString()))
                            .filter(stat -> Long.parseLong(stat[3]) == parent)
                            .ifPresent(children::add));
        } catch (IOException e) {
            return children;
        }
        return children;
    }

    /**
     * /proc/PID/stat split into fields, index = field number − 1 (0 pid, 3 ppid, 13 utime,
     * 14 stime, 15 cutime, 16 cstime); the command name (field 2) may hold spaces, so the
     * fields after it are counted from its closing parenthesis.
     */
    private static Optional<String[]> stat(long pid) {
        return stat(Path.of("/proc", Long.toString(pid), "stat"));
    }

    /** A process's or a thread's stat file ({@code /proc/PID/task/TID/stat}), split as above. */
    private static Optional<String[]> stat(Path file) {
        try {
            String line = Files.readString(file, StandardCharsets.US_ASCII);
            int close = line.lastIndexOf(')');
            String[] rest = line.substring(close + 2).trim().split(" ");
            String[] fields = new String[rest.length + 2];
            fields[0] = line.substring(0, line.indexOf(' '));
            fields[1] = line.substring(line.indexOf('(') + 1, close);
            System.arraycopy(rest, 0, fields, 2, rest.length);
            return Optional.of(fields);
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // gone, or not ours to read
        }
    }

    /**
     * Busy time of all cores from the first line of /proc/stat ("cpu user nice system idle
     * iowait irq softirq steal ..."): everything but idle and iowait; 0 when unreadable.
     */
    private static long machineBusyTicks() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/stat"))) {
            String[] fields = lines.findFirst().orElse("").trim().split("\\s+");
            long busy = 0;
            for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
                busy += Long.parseLong(fields[i]);
            }
            return busy;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static long cpu(String[] stat, boolean withReapedChildren) {
        long ticks = Long.parseLong(stat[13]) + Long.parseLong(stat[14]);
        return withReapedChildren ? ticks + Long.parseLong(stat[15]) + Long.parseLong(stat[16]) : ticks;
    }

    /** A "Name:   123 kB" line of a /proc file, in KiB; 0 when missing. */
    private static long kib(Path file, String name) {
        try (Stream<String> lines = Files.lines(file)) {
            return lines.filter(line -> line.startsWith(name))
                    .mapToLong(line -> Long.parseLong(line.substring(name.length()).trim().split("\\s+")[0]))
                    .sum();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static long clockTicksPerSecond() {
        try {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            return getconf.waitFor() == 0 ? Long.parseLong(out) : 100;
        } catch (IOException | RuntimeException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
