package io.chatmesh.testkit;

import io.chatmesh.platform.db.DatabaseCreation;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real PostgreSQL for tests: one embedded server per test JVM (started on first use,
 * stopped at exit), a fresh database per {@link #newDatabase()} so tests never share state.
 */
public final class TestPostgres {

    public static final String USER = "postgres";
    public static final String PASSWORD = "postgres";

    private static final AtomicInteger counter = new AtomicInteger();
    private static EmbeddedPostgres server;

    private TestPostgres() {}

    /** Creates an empty database and returns its JDBC URL (user {@link #USER}). */
    public static String newDatabase() {
        String name = "test_" + ProcessHandle.current().pid() + "_" + counter.incrementAndGet();
        try (Connection connection = server().getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute(DatabaseCreation.createDatabase(name));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database", e);
        }
        return server().getJdbcUrl(USER, name);
    }

    /** What {@code ANALYZE VERBOSE table} reports in the database at {@code url}, a notice per element. */
    public static List<String> analyzeVerbose(String url, String table) {
        try (Connection connection = DriverManager.getConnection(url, USER, PASSWORD);
                Statement statement = connection.createStatement()) {
            statement.execute("ANALYZE VERBOSE " + table);
            List<String> notices = new ArrayList<>();
            for (SQLWarning warning = statement.getWarnings(); warning != null; warning = warning.getNextWarning()) {
                notices.add(warning.getMessage());
            }
            return notices;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot analyze " + table, e);
        }
    }

    public static synchronized EmbeddedPostgres server() {
        if (server == null) {
            try {
                server = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
            }
            EmbeddedPostgres started = server;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.close();
                } catch (IOException ignored) {
                    // the JVM is exiting; the temp directory is removed anyway
                }
            }));
        }
        return server;
    }
}
