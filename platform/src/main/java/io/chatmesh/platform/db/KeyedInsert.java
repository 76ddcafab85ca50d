package io.chatmesh.platform.db;

import java.sql.Connection;
import java.sql.PreparedStatement;

/**
 * A hot INSERT into a table with unique keys, prepared twice on one connection: as written,
 * which fails when a row's key is already taken, and with an {@code ON CONFLICT} clause that
 * skips such rows. The send path's batches almost never hold a taken key (a message published
 * again, a client_id sent to two instances at once), and PostgreSQL inserts a row with an
 * {@code ON CONFLICT} clause at about one and a half times the cost (batches of 500 rows): it
 * probes the conflict indexes first, inserts the row under a speculative token and confirms it
 * with one more WAL record (docs/send-path.md, "Database access"). So a batch runs the plain
 * statement first, and only when that fails on a taken key does it run again with the clause
 * ({@link TakenKeys} decides).
 */
public final class KeyedInsert {

    /** Where the SQL takes its {@code ON CONFLICT} clause. */
    public static final String ON_CONFLICT = "/* on conflict */";

    private final PreparedStatement plain;
    private final PreparedStatement skippingTakenKeys;

    /**
     * @param sql the INSERT, with {@link #ON_CONFLICT} where the clause goes
     * @param onConflict the clause, e.g. {@code ON CONFLICT (sender_id, client_id) DO NOTHING}
     */
    public KeyedInsert(Connection connection, String sql, String onConflict) {
        if (!sql.contains(ON_CONFLICT)) {
            throw new IllegalArgumentException("the SQL has no place for its ON CONFLICT clause");
        }
        this.plain = HotStatements.prepare(connection, sql.replace(ON_CONFLICT, ""));
        this.skippingTakenKeys = HotStatements.prepare(connection, sql.replace(ON_CONFLICT, onConflict));
    }

    /** The statement of an attempt. */
    public PreparedStatement statement(boolean skipTakenKeys) {
        return skipTakenKeys ? skippingTakenKeys : plain;
    }
}
