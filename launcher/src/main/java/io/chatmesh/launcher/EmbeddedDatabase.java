package io.chatmesh.launcher;

import io.chatmesh.platform.db.DatabaseCreation;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

/**
 * The launcher's PostgreSQL: a real server (zonky's binaries) whose data lives in a directory
 * of its own and survives restarts and crashes.
 */
final class EmbeddedDatabase implements AutoCloseable {

    /**
     * Settings of the embedded server, passed as {@code -c} options after zonky's own, so
     * they win over its test defaults ({@code -F}, i.e. fsync off, and synchronous_commit off).
     * <ul>
     * <li>Durability: chat-service acks a message once it is committed, so a commit must
     * survive a kill -9 of the whole launcher or a power loss; with fsync or synchronous
     * commit off, the last acked messages of a crash would be lost.
     * <li>Memory: sized for a dev box, so that all PostgreSQL processes stay within 256 MB
     * (PSS) under load: the shared buffers (and WAL buffers) count once, then each connection
     * adds a few MB of its own (caches, and work_mem per sort or hash while a query runs). The
     * services' Hikari pools (10 to 12 connections each, three databases) hold about 30
     * together; max_connections leaves the rest for the launcher's own and for psql.
     * Measured: about 60 MB idle, 70 MB under chat load, 225 MB with all 40 connections
     * sorting at once and the shared buffers full. maintenance_work_mem also bounds each
     * autovacuum worker.
     * <li>Autovacuum: visits each database every 15 s. message-service's fold merges the search
     * index's pending list itself (docs/send-path.md, "Search indexing"), so vacuum no longer
     * has to visit often for it; with the 2 s kept for it before, starting a worker every
     * half second (four databases) cost PostgreSQL ≈ 3.5% of a core on an idle launcher.
     * </ul>
     */
    static final Map<String, String> SERVER_CONFIG = Map.of(
            "fsync", "on",
            "synchronous_commit", "on",
            "full_page_writes", "on",
            "shared_buffers", "64MB",
            "wal_buffers", "4MB",
            "max_connections", "40",
            "work_mem", "4MB",
            "maintenance_work_mem", "32MB",
            "autovacuum_naptime", "15s");

    static final String USER = "postgres";

    /** zonky waits 10 s by default; crash recovery of a large WAL on a busy machine can take longer. */
    private static final Duration STARTUP_WAIT = Duration.ofSeconds(60);

    /** How long a crashed predecessor's processes may take to exit, or a running orphan to stop. */
    private static final Duration LEFTOVER_PATIENCE = Duration.ofSeconds(30);

    private final EmbeddedPostgres server;

    private EmbeddedDatabase(EmbeddedPostgres server) {
        this.server = server;
    }

    /** Starts PostgreSQL on {@code directory} (created if missing), on {@code port} or (0) any free port. */
    static EmbeddedDatabase start(Path directory, int port) {
        try {
            Files.createDirectories(directory);
            LeftoverPostmaster.awaitGone(directory, LEFTOVER_PATIENCE);
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(directory)
                    .setCleanDataDirectory(false)
                    .setPGStartupWait(STARTUP_WAIT);
            SERVER_CONFIG.forEach(builder::setServerConfig);
            if (port != 0) {
                builder.setPort(port);
            }
            return new EmbeddedDatabase(builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded PostgreSQL in " + directory, e);
        }
    }

    int port() {
        return server.getPort();
    }

    /** JDBC URL of a database as user {@link #USER} (local connections are trusted). */
    String jdbcUrl(String database) {
        return server.getJdbcUrl(USER, database);
    }

    void createDatabaseIfMissing(String name) {
        try (Connection connection = server.getPostgresDatabase().getConnection()) {
            try (PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                exists.setString(1, name);
                try (ResultSet result = exists.executeQuery()) {
                    if (result.next()) {
                        return;
                    }
                }
            }
            try (Statement create = connection.createStatement()) {
                create.execute(DatabaseCreation.createDatabase(name));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name, e);
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stop embedded PostgreSQL", e);
        }
    }
}
