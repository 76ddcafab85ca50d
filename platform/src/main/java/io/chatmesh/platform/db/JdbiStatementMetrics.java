package io.chatmesh.platform.db;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.Method;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.extension.ExtensionMethod;
import org.jdbi.v3.core.statement.SqlLogger;
import org.jdbi.v3.core.statement.SqlStatements;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * Times every statement Jdbi runs into {@link StoreMetrics} (store {@code postgresql}), by the
 * SqlObject method that ran it ({@code MessageDao.insertMessages}), or for a statement made
 * without a SqlObject by its first SQL keyword ({@code select}, {@code set}, …; {@code other}).
 * Jdbi stamps each statement's execution and completion moments itself, so this only records.
 * Installed once where the Jdbi is built, before any SqlObject is attached (they copy the
 * configuration as it is then).
 */
public final class JdbiStatementMetrics implements SqlLogger {

    private static final Set<String> KEYWORDS = Set.of("select", "insert", "update", "delete", "with", "set",
            "lock", "call", "create", "alter", "drop", "truncate", "copy", "show", "values");

    private final StoreMetrics metrics;
    private final Map<Method, String> operations = new ConcurrentHashMap<>();

    public JdbiStatementMetrics(StoreMetrics metrics) {
        this.metrics = metrics;
    }

    /**
     * The timer of an operation run on a handle's connection without Jdbi (plain JDBC, e.g. a
     * statement prepared once for a hot path), under the same metric as Jdbi's statements; a
     * timer of no registry when {@code jdbi} has no timing installed.
     */
    public static Timer timer(Jdbi jdbi, String operation) {
        return jdbi.getConfig(SqlStatements.class).getSqlLogger() instanceof JdbiStatementMetrics installed
                ? installed.metrics.timer(operation)
                : Timer.builder("chatmesh.store").register(new SimpleMeterRegistry());
    }

    /** Installs the statement timing on {@code jdbi}; returns it. */
    public static Jdbi installOn(Jdbi jdbi, StoreMetrics metrics) {
        jdbi.getConfig(SqlStatements.class).setSqlLogger(new JdbiStatementMetrics(metrics));
        return jdbi;
    }

    @Override
    public void logAfterExecution(StatementContext context) {
        record(context, context.getCompletionMoment());
    }

    @Override
    public void logException(StatementContext context, SQLException ex) {
        record(context, context.getExceptionMoment());
    }

    private void record(StatementContext context, Instant end) {
        Instant start = context.getExecutionMoment();
        if (start == null || end == null) {
            return; // failed before it ran: nothing to time
        }
        metrics.record(operation(context), Duration.between(start, end).toNanos());
    }

    private String operation(StatementContext context) {
        ExtensionMethod extension = context.getExtensionMethod();
        if (extension == null) {
            return keyword(context.getRawSql());
        }
        Method method = extension.getMethod();
        String operation = operations.get(method);
        return operation != null ? operation : operations.computeIfAbsent(method,
                m -> extension.getType().getSimpleName() + "." + m.getName());
    }

    static String keyword(String sql) {
        if (sql == null) {
            return "other";
        }
        String trimmed = sql.stripLeading();
        int end = 0;
        while (end < trimmed.length() && end < 10 && Character.isLetter(trimmed.charAt(end))) {
            end++;
        }
        String keyword = trimmed.substring(0, end).toLowerCase(Locale.ROOT);
        return KEYWORDS.contains(keyword) ? keyword : "other";
    }
}
