package io.chatmesh.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's PostgreSQL runs with its durability and memory settings, not zonky's test
 * defaults (which start it with -F, i.e. fsync off, and synchronous_commit off), and its
 * databases with the collation {@code DatabaseCreation} gives them.
 */
class EmbeddedDatabaseSettingsTest {

    @TempDir
    Path dataDir;

    @Test
    void theEmbeddedPostgresIsDurableAndItsMemoryIsBounded() throws SQLException {
        try (Chatmesh stack = Chatmesh.start(LauncherSettings.forTests(dataDir));
                Connection connection = DriverManager.getConnection(stack.postgresJdbcUrl("postgres"))) {
            assertThat(show(connection, "fsync")).isEqualTo("on");
            assertThat(show(connection, "synchronous_commit")).isEqualTo("on");
            assertThat(show(connection, "full_page_writes")).isEqualTo("on");
            assertThat(show(connection, "shared_buffers")).isEqualTo("64MB");
            EmbeddedDatabase.SERVER_CONFIG.forEach((name, value) ->
                    assertThat(show(connection, name)).as(name).isEqualTo(value));
        }
    }

    @Test
    void itsDatabasesCompareTextBytewiseAndKeepTheServersCharacterClasses() throws SQLException {
        try (Chatmesh stack = Chatmesh.start(LauncherSettings.forTests(dataDir));
                Connection connection = DriverManager.getConnection(stack.postgresJdbcUrl("postgres"));
                Statement statement = connection.createStatement();
                ResultSet databases = statement.executeQuery(
                        "SELECT d.datname, d.datcollate, d.datctype, t.datctype AS server_ctype"
                                + " FROM pg_database d, pg_database t"
                                + " WHERE d.datname LIKE 'chatmesh%' AND t.datname = 'template1'"
                                + " ORDER BY d.datname")) {
            int count = 0;
            while (databases.next()) {
                count++;
                assertThat(databases.getString("datcollate")).as(databases.getString("datname")).isEqualTo("C");
                assertThat(databases.getString("datctype")).as(databases.getString("datname"))
                        .isEqualTo(databases.getString("server_ctype"));
            }
            assertThat(count).isEqualTo(3);
        }
    }

    private static String show(Connection connection, String setting) {
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SHOW " + setting)) {
            result.next();
            return result.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException("SHOW " + setting, e);
        }
    }
}
