package io.chatmesh.platform.db;

import java.util.regex.Pattern;

/**
 * How chatmesh creates the PostgreSQL databases it manages itself (the launcher's embedded
 * server, the test servers).
 *
 * <p>Why the {@code C} collation: every key the send path writes and looks up is a text id
 * (room, user, message and client ids) in a B-tree, and under a libc locale such as
 * {@code C.UTF-8} or {@code en_US.UTF-8} PostgreSQL compares each pair with {@code strcoll};
 * under {@code C} it compares bytes. {@code perf} put the collation calls at about 6% of
 * PostgreSQL's CPU on a saturated send path (docs/performance.md). Byte order is the order
 * {@code C.UTF-8} sorted in anyway (code points). The character classes ({@code LC_CTYPE}: what
 * {@code lower()}, {@code ILIKE} and pg_trgm's trigrams treat as letters) stay the server's.
 */
public final class DatabaseCreation {

    private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private DatabaseCreation() {}

    /** {@code CREATE DATABASE} for {@code name} (lower-case letters, digits, underscores). */
    public static String createDatabase(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a plain database name: " + name);
        }
        // template1 may hold objects that depend on its collation; template0 never does, so
        // PostgreSQL lets a database made from it choose another one.
        return "CREATE DATABASE " + name + " TEMPLATE template0 LC_COLLATE 'C'";
    }
}
