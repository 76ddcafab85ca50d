package io.chatmesh.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded PostgreSQL starts again after its postmaster was killed, even while a backend
 * of the dead server is still attached to its shared memory (PostgreSQL itself would refuse:
 * "pre-existing shared memory block is still in use"), and keeps what was committed.
 */
class EmbeddedDatabaseCrashTest {

    @TempDir
    Path dataDir;

    @Test
    void aStartAfterAKilledPostmasterWaitsForItsLastBackendAndKeepsTheCommits() throws Exception {
        Path directory = dataDir.resolve("postgres");
        EmbeddedDatabase crashed = EmbeddedDatabase.start(directory, 0);
        try (Connection connection = DriverManager.getConnection(crashed.jdbcUrl("postgres"));
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE kept (id int)");
            statement.execute("INSERT INTO kept VALUES (1)");
            ProcessHandle backend = ProcessHandle.of(single(statement, "SELECT pg_backend_pid()")).orElseThrow();
            // A stopped backend cannot notice that its postmaster died: it stays attached.
            signal("STOP", backend);
            try {
                ProcessHandle postmaster = backend.parent().orElseThrow();
                postmaster.destroyForcibly();
                assertThat(LauncherProcess.awaitExit(postmaster, Duration.ofSeconds(30))).isTrue();
                crashed.close(); // releases zonky's lock on the directory; its pg_ctl stop finds no server
                assertThat(backend.isAlive()).as("the dead server's backend").isTrue();

                // It exits once resumed, a while into the next start, which must wait for that.
                CompletableFuture.runAsync(() -> signal("CONT", backend), CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS));
                try (EmbeddedDatabase restarted = EmbeddedDatabase.start(directory, 0);
                        Connection again = DriverManager.getConnection(restarted.jdbcUrl("postgres"));
                        Statement query = again.createStatement()) {
                    assertThat(single(query, "SELECT count(*) FROM kept")).isEqualTo(1);
                }
            } finally {
                if (backend.isAlive()) {
                    signal("CONT", backend);
                }
            }
        }
    }

    private static long single(Statement statement, String query) throws SQLException {
        try (ResultSet result = statement.executeQuery(query)) {
            result.next();
            return result.getLong(1);
        }
    }

    private static void signal(String signal, ProcessHandle process) {
        try {
            int exit = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start().waitFor();
            assertThat(exit).as("kill -%s", signal).isZero();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
