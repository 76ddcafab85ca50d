package io.chatmesh.launcher;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The launcher in a child JVM, as {@code bin/chatmesh} runs it (main class, settings from the
 * environment), on loopback ports it picks itself (port 0: a port chosen here and passed in
 * could be taken by another socket before the launcher binds it); the edge's is read from its
 * startup output. Its output is kept, to print when a test fails.
 */
final class LauncherProcess implements AutoCloseable {

    /** The startup line that says where the edge listens; it follows "chatmesh is up". */
    private static final Pattern EDGE = Pattern.compile("^\\s*edge \\(all services\\)\\s+[0-9.]+:([0-9]+)\\b.*");

    private final Process process;
    private final Path dataDir;
    private volatile int edgePort;
    private final StringBuffer output = new StringBuffer();
    private final CompletableFuture<Void> up = new CompletableFuture<>();
    private volatile Optional<ProcessHandle> postmaster = Optional.empty();

    private LauncherProcess(Path dataDir, Map<String, String> env) throws IOException {
        this.dataDir = dataDir;
        ProcessBuilder builder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                "io.chatmesh.launcher.Chatmesh");
        builder.environment().putAll(Map.of(
                "CHATMESH_DATA_DIR", dataDir.toString(),
                "CHATMESH_HOST", "127.0.0.1",
                "CHATMESH_EDGE_PORT", "0",
                "CHATMESH_USER_PORT", "0",
                "CHATMESH_CHAT_PORT", "0",
                "CHATMESH_MESSAGE_PORT", "0",
                "CHATMESH_SIGNALING_PORT", "0"));
        builder.environment().putAll(env);
        builder.redirectErrorStream(true);
        this.process = builder.start();
        Thread drain = new Thread(this::drainOutput, "launcher-" + process.pid() + "-output");
        drain.setDaemon(true);
        drain.start();
    }

    /** Starts the launcher on {@code dataDir} and waits until it says it is up. */
    static LauncherProcess start(Path dataDir, Duration patience) throws IOException {
        return start(dataDir, patience, Map.of());
    }

    /** The same, with more environment variables. */
    static LauncherProcess start(Path dataDir, Duration patience, Map<String, String> env) throws IOException {
        LauncherProcess launcher = new LauncherProcess(dataDir, env);
        try {
            launcher.up.get(patience.toMillis(), TimeUnit.MILLISECONDS);
            // Read now: after a crash, the file names the next run's server.
            launcher.postmaster = readPostmaster(dataDir);
            return launcher;
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            launcher.close();
            throw new AssertionError("the launcher did not come up (" + e + "); its output:\n" + launcher.output(), e);
        }
    }

    int edgePort() {
        return edgePort;
    }

    ProcessHandle jvm() {
        return process.toHandle();
    }

    /** The PostgreSQL server the launcher started (not a child of its JVM), while it runs. */
    Optional<ProcessHandle> postmaster() {
        return postmaster.filter(ProcessHandle::isAlive);
    }

    /** The first line of postmaster.pid is the server's PID (if that process is a postgres). */
    private static Optional<ProcessHandle> readPostmaster(Path dataDir) {
        try {
            String pid = Files.readAllLines(dataDir.resolve("postgres").resolve("postmaster.pid")).get(0).trim();
            return ProcessHandle.of(Long.parseLong(pid))
                    .filter(process -> process.info().command().orElse("").endsWith("/postgres"));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String output() {
        return output.toString();
    }

    /** Waits until {@code process} has exited; false if it still runs after {@code patience}. */
    static boolean awaitExit(ProcessHandle process, Duration patience) {
        try {
            process.onExit().get(patience.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return !process.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Stops the launcher (its shutdown hook stops PostgreSQL); kills both if that takes too long. */
    @Override
    public void close() {
        if (postmaster.isEmpty() && process.isAlive()) {
            postmaster = readPostmaster(dataDir); // it did not come up, but may have started one
        }
        process.destroy();
        if (!awaitExit(process.toHandle(), Duration.ofSeconds(20))) {
            process.destroyForcibly();
            awaitExit(process.toHandle(), Duration.ofSeconds(10));
        }
        postmaster().ifPresent(pg -> {
            pg.destroyForcibly();
            awaitExit(pg, Duration.ofSeconds(10));
        });
    }

    private void drainOutput() {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                output.append(line).append('\n');
                Matcher edge = EDGE.matcher(line);
                if (edge.matches()) {
                    edgePort = Integer.parseInt(edge.group(1));
                    up.complete(null);
                }
            }
        } catch (IOException e) {
            output.append("[output unreadable: ").append(e).append("]\n");
        } finally {
            up.completeExceptionally(new IllegalStateException("the launcher exited before it was up"));
        }
    }
}
