package io.chatmesh.systemtest;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A real single-node Kafka (KRaft, combined broker + controller) in a child JVM started from
 * the Kafka jars on the test classpath, on fixed loopback ports with its data in a directory of
 * the test: it can be killed like a crashed broker and started again on the same port and data,
 * or frozen like a hung one and let run on.
 */
final class KafkaBroker implements AutoCloseable {

    private static final Duration STARTUP_LIMIT = Duration.ofSeconds(90);

    /** The tests' broker JVM: small, and quick to start (C1 only, serial GC). */
    static final List<String> TEST_JVM = List.of("-Xms64m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    private final Path dataDir;
    private final Path config;
    private final Path log;
    private final int port;
    private final List<String> jvmOptions;
    private Process process;

    private KafkaBroker(Path dataDir, int port, int controllerPort, List<String> jvmOptions) {
        this.dataDir = dataDir;
        this.config = dataDir.resolve("server.properties");
        this.log = dataDir.resolve("broker.log");
        this.port = port;
        this.jvmOptions = List.copyOf(jvmOptions);
        writeConfig(controllerPort);
    }

    /** A test broker on free loopback ports: see {@link #format(Path, int, int, List)}. */
    static KafkaBroker format(Path dataDir) {
        return format(dataDir, LoopbackPorts.free(), LoopbackPorts.free(), TEST_JVM);
    }

    /**
     * Writes the config and formats the storage (a new cluster id); the broker is not running yet.
     *
     * @param jvmOptions options of the broker's JVM (heap, GC, JIT)
     */
    static KafkaBroker format(Path dataDir, int port, int controllerPort, List<String> jvmOptions) {
        KafkaBroker broker = new KafkaBroker(dataDir, port, controllerPort, jvmOptions);
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int exit;
        try (PrintStream out = new PrintStream(output, true, UTF_8)) {
            exit = StorageTool.execute(new String[] {
                    "format", "--standalone", "-t", Uuid.randomUuid().toString(), "-c", broker.config.toString()}, out);
        }
        if (exit != 0) {
            throw new IllegalStateException("kafka storage format failed (" + exit + "): " + output.toString(UTF_8));
        }
        return broker;
    }

    String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    Path log() {
        return log;
    }

    /** The broker JVM's process id. */
    synchronized long pid() {
        if (!isRunning()) {
            throw new IllegalStateException("the broker is not running");
        }
        return process.pid();
    }

    private boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Starts the broker on its port and data and returns once it answers as a cluster member. */
    synchronized void start() {
        if (isRunning()) {
            throw new IllegalStateException("the broker is running");
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), KafkaBrokerMain.class.getName(),
                config.toString()));
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the broker JVM", e);
        }
        awaitReady();
    }

    /** Kills the broker (SIGKILL: no controlled shutdown, like a crash or a pulled plug). */
    synchronized void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the broker did not die");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while killing the broker", e);
        }
        process = null;
    }

    /**
     * Freezes the broker (SIGSTOP): connections stay open and the kernel keeps accepting
     * connections and bytes, but requests sit unanswered, like a hung broker.
     */
    synchronized void pause() {
        signal("STOP");
    }

    /** Lets a paused broker run on (SIGCONT): it then handles the requests that waited in its sockets. */
    synchronized void resume() {
        signal("CONT");
    }

    @Override
    public void close() {
        kill();
    }

    private void signal(String name) {
        if (!isRunning()) {
            throw new IllegalStateException("the broker is not running");
        }
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid()))
                    .redirectErrorStream(true).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run kill -" + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while signalling the broker", e);
        }
    }

    /** Waits until the broker is up and lists itself in the cluster metadata. */
    private void awaitReady() {
        long deadline = System.nanoTime() + STARTUP_LIMIT.toNanos();
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000))) {
            while (true) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the broker exited with " + process.exitValue() + ":\n" + logTail());
                }
                try {
                    if (!admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (Exception notYet) {
                    // not listening or not registered yet
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the broker did not come up within " + STARTUP_LIMIT + ":\n" + logTail());
                }
                Thread.sleep(200);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the broker", e);
        }
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no broker log: " + e + ")";
        }
    }

    private void writeConfig(int controllerPort) {
        String controller = "127.0.0.1:" + controllerPort;
        String properties = String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.bootstrap.servers=" + controller,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://" + controller,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://" + controller,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
                "log.dirs=" + dataDir.resolve("logs"),
                // one broker: every internal topic with one replica
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                // A killed broker's registration blocks its restart until the session times out
                // (default 9 s): keep that short so the outage test does not idle.
                "broker.session.timeout.ms=3000",
                "broker.heartbeat.interval.ms=500",
                // the services create their topics (as in production with create-topics on)
                "auto.create.topics.enable=false",
                "");
        try {
            Files.createDirectories(dataDir);
            Files.writeString(config, properties, UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + config, e);
        }
    }
}
