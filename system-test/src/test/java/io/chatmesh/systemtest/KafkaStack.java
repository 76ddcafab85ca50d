package io.chatmesh.systemtest;

import io.chatmesh.platform.db.DatabaseCreation;
import io.chatmesh.systemtest.ProductionStack.Instance;
import io.chatmesh.systemtest.ProductionStack.MessageStore;
import io.chatmesh.testkit.TestPostgres;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

/**
 * chatmesh's production path run for benchmarks until Ctrl+C ({@code bin/kafka-stack}): one
 * Kafka broker (a child JVM, started as {@code kafka-server-start.sh} would), PostgreSQL (the
 * embedded server, durable as in production: fsync and synchronous commit on), and in this JVM
 * user-service, message-service (messages in PostgreSQL) and two chat-service instances, on
 * their production defaults (none of the tests' short timeouts). Prints where everything
 * listens, the processes to measure, and the {@code bin/bench} flags that reach them.
 *
 * <p>Everything starts fresh: the data directory is emptied first.
 */
public final class KafkaStack {

    static final String USAGE = """
            usage: bin/kafka-stack [--base-port N] [--data-dir DIR]
              --base-port N   ports N+1 user-service, N+2 chat-service 1, N+3 message-service,
                              N+4 chat-service 2, N+5 Kafka, N+6 Kafka controller,
                              N+7 PostgreSQL (all on 127.0.0.1)              [17090]
              --data-dir DIR  Kafka's and PostgreSQL's data, emptied at start
                                                      [system-test/target/kafka-stack]
            Writes the bin/bench flags that reach the stack to DIR/bench-flags:
              bin/bench $(cat DIR/bench-flags) --rooms 50 --rate 5000 ...""";

    /** As kafka-server-start.sh runs a broker (its KAFKA_HEAP_OPTS and KAFKA_JVM_PERFORMANCE_OPTS). */
    private static final List<String> BROKER_JVM = List.of("-Xms1g", "-Xmx1g", "-XX:+UseG1GC",
            "-XX:MaxGCPauseMillis=20", "-XX:InitiatingHeapOccupancyPercent=35", "-XX:+ExplicitGCInvokesConcurrent");

    /**
     * PostgreSQL as chat-service needs it in production: an acked message is committed to disk.
     * zonky starts the server with fsync and synchronous commit off (its test defaults); these
     * come later on its command line and win. Enough connections for every pool of the stack.
     */
    private static final Map<String, String> POSTGRES_CONFIG = Map.of(
            "fsync", "on",
            "synchronous_commit", "on",
            "full_page_writes", "on",
            "shared_buffers", "256MB",
            "max_connections", "100");

    private static final Duration POSTGRES_STARTUP_WAIT = Duration.ofSeconds(60);

    /** Databases created so far (names chatmesh_1, chatmesh_2, ...). */
    private static int databases;

    private KafkaStack() {}

    public static void main(String[] args) throws InterruptedException {
        int basePort = 17090;
        Path dataDir = Path.of("system-test", "target", "kafka-stack");
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--help" -> {
                        System.out.println(USAGE);
                        return;
                    }
                    case "--base-port" -> basePort = Integer.parseInt(value(args, ++i));
                    case "--data-dir" -> dataDir = Path.of(value(args, ++i));
                    default -> throw new IllegalArgumentException("unknown argument " + args[i]);
                }
            }
        } catch (IllegalArgumentException e) {
            System.err.println("kafka-stack: " + e.getMessage() + "\n" + USAGE);
            System.exit(2);
        }
        Path data = dataDir.toAbsolutePath();
        Map<Instance, Integer> ports = new EnumMap<>(Map.of(Instance.USER, basePort + 1, Instance.CHAT_1, basePort + 2,
                Instance.MESSAGE, basePort + 3, Instance.CHAT_2, basePort + 4));
        int brokerPort = basePort + 5;
        int controllerPort = basePort + 6;
        int postgresPort = basePort + 7;
        List<Integer> allPorts = new ArrayList<>(ports.values());
        allPorts.addAll(List.of(brokerPort, controllerPort, postgresPort));
        try {
            requireFree(allPorts);
            emptyDirectory(data);
        } catch (IllegalStateException | UncheckedIOException e) {
            System.err.println("kafka-stack: " + e.getMessage());
            System.exit(1);
        }

        long start = System.nanoTime();
        EmbeddedPostgres postgres = startPostgres(data.resolve("postgres"), postgresPort);
        ProductionStack stack;
        try {
            ProductionStack.Options options = new ProductionStack.Options(
                    List.of(Instance.USER, Instance.MESSAGE, Instance.CHAT_1, Instance.CHAT_2),
                    // the stack's own shutdown hook closes the services, then PostgreSQL
                    List.of("--spring.main.register-shutdown-hook=false"), ports,
                    brokerPort, controllerPort, BROKER_JVM, MessageStore.POSTGRESQL, () -> newDatabase(postgres));
            stack = ProductionStack.start(data, options);
        } catch (RuntimeException e) {
            close(postgres);
            throw e;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("kafka-stack: stopping");
            stack.close();
            close(postgres);
        }, "kafka-stack-shutdown"));

        long jvm = ProcessHandle.current().pid();
        String benchFlags = String.join(" ",
                "--target", address(stack.port(Instance.CHAT_1)),
                "--users", address(stack.port(Instance.USER)),
                "--chat", address(stack.port(Instance.CHAT_1)) + "," + address(stack.port(Instance.CHAT_2)),
                "--server-pid", jvm + "," + stack.kafka().pid(),
                "--pg-data", data.resolve("postgres").toString());
        write(data.resolve("bench-flags"), benchFlags + "\n");
        System.out.printf("""
                chatmesh production path is up in %.1f s (data in %s)
                  user-service       %s  pid %d (this JVM)
                  chat-service 1     %s  pid %d (this JVM)  RoomService, ChatService
                  chat-service 2     %s  pid %d (this JVM)  ChatService
                  message-service    %s  pid %d (this JVM)  messages in PostgreSQL
                  Kafka broker       %s  pid %d (log %s)
                  PostgreSQL         %s  fsync %s, synchronous_commit %s (data %s)
                bench flags (also in %s):
                  %s
                Ctrl+C stops everything.
                """, (System.nanoTime() - start) / 1e9, data,
                address(stack.port(Instance.USER)), jvm,
                address(stack.port(Instance.CHAT_1)), jvm,
                address(stack.port(Instance.CHAT_2)), jvm,
                address(stack.port(Instance.MESSAGE)), jvm,
                stack.kafka().bootstrapServers(), stack.kafka().pid(), stack.kafka().log(),
                address(postgresPort), setting(postgres, "fsync"), setting(postgres, "synchronous_commit"),
                data.resolve("postgres"), data.resolve("bench-flags"), benchFlags);
        new CountDownLatch(1).await(); // until Ctrl+C (the shutdown hook stops everything)
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }

    private static String address(int port) {
        return "127.0.0.1:" + port;
    }

    /** Fails at once, naming the port, rather than halfway through starting. */
    private static void requireFree(List<Integer> ports) {
        for (int port : ports) {
            try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                // free
            } catch (IOException e) {
                throw new IllegalStateException("port " + port + " is in use (another kafka-stack? choose --base-port)");
            }
        }
    }

    private static EmbeddedPostgres startPostgres(Path directory, int port) {
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(directory)
                    .setCleanDataDirectory(true)
                    .setPort(port)
                    .setPGStartupWait(POSTGRES_STARTUP_WAIT);
            POSTGRES_CONFIG.forEach(builder::setServerConfig);
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start PostgreSQL in " + directory, e);
        }
    }

    /** Creates the next database (chatmesh_1, chatmesh_2, ...) and returns its JDBC URL. */
    private static synchronized String newDatabase(EmbeddedPostgres postgres) {
        String name = "chatmesh_" + ++databases;
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute(DatabaseCreation.createDatabase(name));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name, e);
        }
        return postgres.getJdbcUrl(TestPostgres.USER, name);
    }

    private static String setting(EmbeddedPostgres postgres, String name) {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SHOW " + name)) {
            result.next();
            return result.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read PostgreSQL's " + name, e);
        }
    }

    private static void close(EmbeddedPostgres postgres) {
        try {
            postgres.close();
        } catch (IOException e) {
            System.err.println("kafka-stack: could not stop PostgreSQL: " + e);
        }
    }

    private static void emptyDirectory(Path directory) {
        try {
            if (Files.exists(directory.resolve("postgres").resolve("postmaster.pid"))) {
                throw new IllegalStateException("a PostgreSQL of an earlier run may still use " + directory.resolve("postgres")
                        + " (see the PID in its postmaster.pid); stop it first");
            }
            if (Files.exists(directory)) {
                try (Stream<Path> paths = Files.walk(directory)) {
                    for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(path);
                    }
                }
            }
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot empty " + directory, e);
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
