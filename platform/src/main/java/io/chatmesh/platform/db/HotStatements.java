package io.chatmesh.platform.db;

import io.micrometer.core.instrument.Timer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * For the few statements a hot path runs as plain JDBC, prepared once on a {@link DedicatedHandle}'s
 * connection, instead of through Jdbi (whose per-statement work can cost more than a small
 * statement: docs/send-path.md, "Database access"). Failures surface as Jdbi's, so the dedicated
 * handle checks and replaces a broken connection as it does for its SqlObjects; runs are timed
 * under {@code chatmesh_store_seconds} ({@link JdbiStatementMetrics#timer}).
 */
public final class HotStatements {

    private HotStatements() {}

    /** JDBC work that may fail. */
    @FunctionalInterface
    public interface JdbcWork<T> {
        T run() throws SQLException;
    }

    /**
     * Session settings for a connection that runs hot statements, so that their plans are cheap
     * and stable whatever the tables' size and statistics (docs/send-path.md, "Database access"):
     * <ul>
     *   <li>every execution reuses the statement's one generic plan: by default PostgreSQL plans a
     *       statement whose generic plan looks dearer than its first custom plans again on every
     *       execution (profiled: the relay's lock was planned on 40% of its runs, ≈ 100 µs each);
     *   <li>index lookups are priced as the cached reads they are (the default assumes a random
     *       read from a spinning disk), so membership and room checks probe by key instead of
     *       hashing a small {@code members} table whole on every batch.
     * </ul>
     */
    public static void setUpSession(Handle handle) {
        handle.execute("SET plan_cache_mode = force_generic_plan");
        handle.execute("SET random_page_cost = 1.1");
    }

    /** Prepares {@code sql} on the connection; the statement closes with it. */
    public static PreparedStatement prepare(Connection connection, String sql) {
        try {
            return connection.prepareStatement(sql);
        } catch (SQLException e) {
            throw new UnableToExecuteStatementException("cannot prepare a statement", e, null);
        }
    }

    /** Runs {@code work} (binding, executing and reading one statement), timed by {@code timer}. */
    public static <T> T run(Timer timer, JdbcWork<T> work) {
        long start = System.nanoTime();
        try {
            return work.run();
        } catch (SQLException e) {
            throw new UnableToExecuteStatementException(e, null);
        } finally {
            timer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }
}
