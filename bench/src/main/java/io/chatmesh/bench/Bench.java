package io.chatmesh.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * chatmesh's load generator: sets up accounts and rooms, opens a chat stream per connected
 * member, sends at a fixed rate (open loop; with --change-share, some of it edits, deletions
 * and reactions) for warmup + duration, drains, and reports
 * throughput, latencies, delivery correctness and what the server and PostgreSQL spent.
 * Run {@code bin/bench --help}.
 */
public final class Bench {

    private Bench() {
    }

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("store-floor")) {
            System.exit(StoreFloor.main(List.of(args).subList(1, args.length), System.out));
            return;
        }
        if (args.length > 0 && args[0].equals("grpc-floor")) {
            System.exit(GrpcFloor.main(List.of(args).subList(1, args.length), System.out));
            return;
        }
        if (Flags.wantsHelp(args)) {
            System.out.println(Flags.USAGE);
            return;
        }
        Workload workload;
        try {
            workload = Flags.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.err.println(Flags.USAGE);
            System.exit(2);
            return;
        }
        int exitCode;
        try {
            Summary summary = run(workload, System.out);
            exitCode = workload.check() && !summary.problems().isEmpty() ? 1 : 0;
        } catch (RuntimeException | InterruptedException | IOException e) {
            System.err.println("bench failed: " + e.getMessage());
            exitCode = 1;
        }
        System.exit(exitCode);
    }

    /** Runs the workload against a running chatmesh, printing as it goes; returns the summary. */
    public static Summary run(Workload workload, PrintStream out) throws InterruptedException, IOException {
        String runId = HexFormat.of().toHexDigits(new SecureRandom().nextInt());
        out.println("chatmesh bench, run " + runId + ": " + workload.describe());
        Stats stats = new Stats(workload.senders());
        DeliveryLedger ledger = new DeliveryLedger(workload.senders() + workload.flooders());
        DeliveryLedger changes = new DeliveryLedger(workload.senders() + workload.flooders());
        MessageText text = new MessageText(runId, workload.messageBytes());
        Sender.Context context = new Sender.Context(text, ledger, changes, new ChangeStamps(), stats);
        ProcessStats processes = new ProcessStats(workload.serverPids(), workload.pgData());
        try (Connections connections = new Connections(workload.target(), workload.userService(), workload.chat(),
                workload.connections())) {
            Setup setup = new Setup(connections.users(), connections.setup(), out);
            List<Setup.User> users = setup.users(workload.userPrefix(), workload.users());
            List<Setup.Room> rooms = setup.rooms(runId, memberLists(workload, users));
            try {
                Summary summary;
                try (Fleet fleet = new Fleet(workload, rooms, connections, context)) {
                    fleet.connect(out);
                    Monitor monitor = send(workload, fleet, stats, processes, out);
                    drain(workload, fleet, stats, ledger, changes, out);
                    summary = Summary.of(runId, workload, monitor.window(), stats.counts(),
                            ledger.tally(fleet.recipients), changes.tally(fleet.recipients), stats.errors(),
                            stats.floodRefusals(), processes, processes.memory());
                }
                Report.print(summary, out);
                if (workload.json() != null) {
                    Files.writeString(workload.json(), Report.json(summary));
                }
                return summary;
            } finally {
                setup.leave(rooms);
            }
        }
    }

    /** Room r: accounts r * members ... (r + 1) * members - 1; room 0 also has the flooders, last. */
    private static List<List<Setup.User>> memberLists(Workload workload, List<Setup.User> users) {
        List<List<Setup.User>> lists = new ArrayList<>();
        for (int room = 0; room < workload.rooms(); room++) {
            List<Setup.User> members = new ArrayList<>(
                    users.subList(room * workload.members(), (room + 1) * workload.members()));
            if (room == 0) {
                members.addAll(users.subList(workload.rooms() * workload.members(), users.size()));
            }
            lists.add(members);
        }
        return lists;
    }

    /** Sends for warmup + duration, ticking the monitor meanwhile. */
    private static Monitor send(Workload workload, Fleet fleet, Stats stats, ProcessStats processes, PrintStream out)
            throws InterruptedException {
        Monitor monitor = new Monitor(stats, processes, out, workload.flooders() > 0, workload.changeShare() > 0);
        long sendStart = System.nanoTime();
        long measureStart = sendStart + workload.warmup().toNanos();
        long sendEnd = measureStart + workload.duration().toNanos();
        List<Thread> threads = new ArrayList<>();
        threads.add(Thread.ofPlatform().name("bench-pacer")
                .start(new Pacer(fleet.senders, workload.rate(), workload.ramp().toNanos(), sendStart, sendEnd)));
        if (workload.churn().isPositive() && !fleet.streams.isEmpty()) {
            threads.add(Thread.ofPlatform().name("bench-churn")
                    .start(new Churn(fleet.streams, workload.churn(), sendEnd)));
        }
        boolean done = false;
        try {
            fleet.flooders.forEach(Flooder::start);
            monitor.run(sendStart, measureStart, sendEnd);
            done = true;
        } finally {
            fleet.flooders.forEach(Flooder::stop);
            for (Thread thread : threads) {
                if (!done) {
                    thread.interrupt();
                }
                thread.join(); // both end by themselves before sendEnd
            }
        }
        return monitor;
    }

    /** Waits until every send and change is answered and every acked one delivered, at most --drain. */
    private static void drain(Workload workload, Fleet fleet, Stats stats, DeliveryLedger ledger,
            DeliveryLedger changes, PrintStream out) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + workload.drain().toNanos();
        while (stats.counts().unanswered() > 0 || stats.counts().unansweredChanges() > 0
                || ledger.tally(fleet.recipients).missing() > 0 || changes.tally(fleet.recipients).missing() > 0) {
            if (System.nanoTime() - deadline >= 0) {
                out.printf("drain: gave up after %s%n", Flags.format(workload.drain()));
                return;
            }
            Thread.sleep(50);
        }
        out.printf("drained in %.2f s%n", (System.nanoTime() - start) / 1e9);
    }
}
