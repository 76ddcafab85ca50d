package io.chatmesh.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The store's floor: what the least a durable send needs costs PostgreSQL, with no chatmesh code
 * in between: rows shaped like chat-service's message log, inserted from arrays in batches, each
 * batch one autocommitted statement, so one WAL flush, as chat-service's log writes them: about
 * the least a design that stores every message of this shape in this PostgreSQL before acking it
 * can spend per message (docs/performance.md, "The store's floor"). Run it against an idle
 * server ({@code bin/bench store-floor --help}): every process of the server counts.
 */
final class StoreFloor {

    static final String USAGE = """
            usage: bin/bench store-floor --pg-data DIR [--rows N] [--batches N,N,...]
              --pg-data DIR        data directory of a running PostgreSQL on this machine      [required]
                                   (port from its postmaster.pid; user postgres, no password
                                   needed on loopback, as the launcher's data/postgres)
              --rows N             rows measured per batch size and table (a fifth more       [100000]
                                   inserted first, unmeasured, as warm-up)
              --batches N,N,...    rows per statement                                         [10,25,100]
            Creates the schema chatmesh_store_floor in the database postgres and drops it at the end.""";

    static final String SCHEMA = "chatmesh_store_floor";

    /** A table to fill: the message log's columns, with its idempotency key or with the primary key only. */
    enum Table {
        /** Primary key (room_id, seq) and the idempotency key (sender_id, client_id), as message_log. */
        KEYED("UNIQUE (sender_id, client_id)"),
        /** Primary key only: what a log needs without idempotency in the store. */
        BARE(null);

        private final String extraConstraint;

        Table(String extraConstraint) {
            this.extraConstraint = extraConstraint;
        }

        String ddl() {
            return "CREATE TABLE " + SCHEMA + "." + name().toLowerCase() + " (room_id text NOT NULL,"
                    + " seq bigint NOT NULL, sender_id text NOT NULL, client_id text NOT NULL,"
                    + " message_id text NOT NULL, message bytea NOT NULL,"
                    + " created_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (room_id, seq)"
                    + (extraConstraint == null ? "" : ", " + extraConstraint)
                    + ") WITH (autovacuum_enabled = false)";
        }
    }

    /** One measurement: CPU per row of PostgreSQL (all its processes) and of this JVM, and wall time. */
    record Result(Table table, int batch, long rows, double postgresMicrosPerRow, double clientMicrosPerRow,
            double seconds) {

        double postgresMicrosPerBatch() {
            return postgresMicrosPerRow * batch;
        }
    }

    /** 50 rooms, as the bench's workload; a serialized message of a 100-byte text is about 180 bytes. */
    private static final int ROOMS = 50;
    private static final int MESSAGE_BYTES = 180;
    private static final String INSERT = "INSERT INTO %s.%s (room_id, seq, sender_id, client_id, message_id, message)"
            + " SELECT * FROM unnest(CAST(? AS text[]), CAST(? AS bigint[]), CAST(? AS text[]), CAST(? AS text[]),"
            + " CAST(? AS text[]), CAST(? AS bytea[]))";

    private final String url;
    private final String user;
    private final String password;
    private final ProcessStats processes;

    StoreFloor(String url, String user, String password, Path pgData) {
        this.url = url;
        this.user = user;
        this.password = password;
        this.processes = new ProcessStats(List.of(), pgData);
    }

    /** {@code bin/bench store-floor ...}: the exit code. */
    static int main(List<String> args, PrintStream out) {
        if (args.contains("--help")) {
            out.println(USAGE);
            return 0;
        }
        try {
            ToolFlags flags = ToolFlags.parse(args, Set.of("--pg-data", "--rows", "--batches"));
            String pgData = flags.text("--pg-data", null);
            if (pgData == null) {
                throw new IllegalArgumentException("--pg-data is required");
            }
            int rows = flags.positive("--rows", 100_000);
            List<Integer> batches = flags.positives("--batches", List.of(10, 25, 100));
            String url = "jdbc:postgresql://127.0.0.1:" + port(Path.of(pgData)) + "/postgres";
            StoreFloor floor = new StoreFloor(url, "postgres", "postgres", Path.of(pgData));
            print(floor.measure(rows, batches), out);
            return 0;
        } catch (IllegalArgumentException e) {
            System.err.println("bench store-floor: " + e.getMessage());
            System.err.println(USAGE);
            return 2;
        } catch (SQLException e) {
            System.err.println("bench store-floor failed: " + e.getMessage());
            return 1;
        }
    }

    /** Each table at each batch size, on fresh tables, then drops the schema. */
    List<Result> measure(int rows, List<Integer> batches) throws SQLException {
        List<Result> results = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection(url, user, password)) {
            connection.setAutoCommit(true);
            try (Statement statement = connection.createStatement()) {
                statement.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
                statement.execute("CREATE SCHEMA " + SCHEMA);
            }
            try {
                for (Table table : Table.values()) {
                    for (int batch : batches) {
                        results.add(measure(connection, table, rows, batch));
                    }
                }
            } finally {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("DROP SCHEMA " + SCHEMA + " CASCADE");
                }
            }
        }
        return results;
    }

    private Result measure(Connection connection, Table table, int rows, int batch) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("DROP TABLE IF EXISTS " + SCHEMA + "." + table.name().toLowerCase());
            statement.execute(table.ddl());
        }
        try (PreparedStatement insert = connection.prepareStatement(INSERT.formatted(SCHEMA, table.name().toLowerCase()))) {
            long[] lastSeq = new long[ROOMS];
            insert(connection, insert, lastSeq, rows / 5, batch);
            ProcessStats.CpuSample start = processes.sample();
            long startNanos = System.nanoTime();
            long inserted = insert(connection, insert, lastSeq, rows, batch);
            double seconds = (System.nanoTime() - startNanos) / 1e9;
            ProcessStats.CpuSample end = processes.sample();
            return new Result(table, batch, inserted,
                    micros(end.postgresTicks() - start.postgresTicks()) / inserted,
                    micros(end.benchTicks() - start.benchTicks()) / inserted, seconds);
        }
    }

    /** Inserts {@code rows} rows (rounded up to whole batches), rooms taking turns; returns how many. */
    private static long insert(Connection connection, PreparedStatement insert, long[] lastSeq, int rows, int batch)
            throws SQLException {
        byte[] message = new byte[MESSAGE_BYTES];
        Arrays.fill(message, (byte) 'x');
        long inserted = 0;
        int room = 0;
        while (inserted < rows) {
            String[] roomIds = new String[batch];
            Long[] seqs = new Long[batch];
            String[] senderIds = new String[batch];
            String[] clientIds = new String[batch];
            String[] messageIds = new String[batch];
            byte[][] messages = new byte[batch][];
            for (int i = 0; i < batch; i++) {
                roomIds[i] = "room-" + room;
                seqs[i] = ++lastSeq[room];
                senderIds[i] = "user-" + room;
                clientIds[i] = UUID.randomUUID().toString();
                messageIds[i] = UUID.randomUUID().toString();
                messages[i] = message;
                room = (room + 1) % ROOMS;
            }
            Array[] arrays = {connection.createArrayOf("text", roomIds), connection.createArrayOf("bigint", seqs),
                    connection.createArrayOf("text", senderIds), connection.createArrayOf("text", clientIds),
                    connection.createArrayOf("text", messageIds), connection.createArrayOf("bytea", messages)};
            for (int i = 0; i < arrays.length; i++) {
                insert.setArray(i + 1, arrays[i]);
            }
            inserted += insert.executeUpdate();
        }
        return inserted;
    }

    static void print(List<Result> results, PrintStream out) {
        out.println("store floor: rows inserted and committed (fsync as the server is set), per batch size");
        out.printf("%-6s %6s %9s %15s %16s %13s %9s%n", "table", "batch", "rows", "PG µs/row", "PG µs/batch",
                "client µs/row", "rows/s");
        for (Result r : results) {
            out.printf("%-6s %6d %9d %15.1f %16.0f %13.1f %9.0f%n", r.table().name().toLowerCase(), r.batch(), r.rows(),
                    r.postgresMicrosPerRow(), r.postgresMicrosPerBatch(), r.clientMicrosPerRow(), r.rows() / r.seconds());
        }
        out.println("keyed: primary key (room_id, seq) and unique (sender_id, client_id), as message_log; bare: primary key only");
    }

    private double micros(long ticks) {
        return processes.seconds(ticks) * 1e6;
    }

    /** The port of the PostgreSQL running on {@code pgData} (line 4 of its postmaster.pid). */
    static int port(Path pgData) {
        return (int) ProcessStats.postmasterPidLine(pgData, 3).orElseThrow(() -> new IllegalArgumentException(
                "--pg-data " + pgData + ": no running PostgreSQL (no port in its postmaster.pid)"));
    }
}
