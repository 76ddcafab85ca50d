package io.chatmesh.launcher;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a previous run's PostgreSQL left in its data directory, dealt with before the next
 * start. zonky's server is not a child of the launcher's JVM, so:
 * <ul>
 * <li>after a kill -9 of the JVM alone the server keeps running and holds the directory: it
 * is stopped (once no running launcher holds the directory);
 * <li>after a crash of the server too, its backends exit only when they notice, which under
 * load can take a moment, and PostgreSQL refuses to start while anything is still attached to
 * the old shared memory ("pre-existing shared memory block is still in use"): the start waits.
 * </ul>
 * Crash recovery itself is PostgreSQL's job once it starts.
 */
final class LeftoverPostmaster {

    private static final Logger log = LoggerFactory.getLogger(LeftoverPostmaster.class);

    private static final Duration POLL = Duration.ofMillis(50);
    /** zonky's lock file in the data directory, held by the JVM that runs the server. */
    private static final String LAUNCHER_LOCK_FILE = "epg-lock";
    /** System V shared memory segments (Linux): key, shmid, ..., nattch is the seventh column. */
    private static final Path SYSV_SHM = Path.of("/proc/sysvipc/shm");

    private LeftoverPostmaster() {}

    /** Returns once nothing of a previous server on {@code dataDirectory} runs any more. */
    static void awaitGone(Path dataDirectory, Duration patience) throws IOException {
        List<String> pidFile;
        try {
            pidFile = Files.readAllLines(dataDirectory.resolve("postmaster.pid"));
        } catch (NoSuchFileException e) {
            return;
        }
        Instant deadline = Instant.now().plus(patience);
        // Line 1: the postmaster's PID; line 7: the key and id of its shared memory segment.
        Optional<ProcessHandle> postmaster = field(pidFile, 0, 0)
                .flatMap(ProcessHandle::of).filter(LeftoverPostmaster::isPostgres);
        if (postmaster.isPresent()) {
            requireNoRunningLauncher(dataDirectory);
            stop(postmaster.get(), dataDirectory, deadline);
        }
        Optional<Long> shmKey = field(pidFile, 6, 0);
        Optional<Long> shmId = field(pidFile, 6, 1);
        if (shmKey.isPresent() && shmId.isPresent()) {
            awaitDetached(shmKey.get(), shmId.get(), dataDirectory, deadline);
        }
    }

    private static void requireNoRunningLauncher(Path dataDirectory) throws IOException {
        try (FileChannel channel = FileChannel.open(dataDirectory.resolve(LAUNCHER_LOCK_FILE),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = channel.tryLock()) {
            if (lock != null) {
                return;
            }
        } catch (OverlappingFileLockException e) {
            // held by this JVM: fall through
        }
        throw new IllegalStateException("PostgreSQL data directory " + dataDirectory + " is in use by a running chatmesh");
    }

    /** A smart shutdown (the dead JVM's connections are gone), then a kill if it takes too long. */
    private static void stop(ProcessHandle postmaster, Path dataDirectory, Instant deadline) {
        log.warn("stopping PostgreSQL (pid {}) left running on {} by a launcher that died", postmaster.pid(), dataDirectory);
        postmaster.destroy();
        Duration half = Duration.between(Instant.now(), deadline).dividedBy(2);
        if (!awaitExit(postmaster, half)) {
            postmaster.destroyForcibly();
            if (!awaitExit(postmaster, Duration.between(Instant.now(), deadline))) {
                throw new IllegalStateException("PostgreSQL (pid " + postmaster.pid() + ") left running on "
                        + dataDirectory + " does not stop");
            }
        }
    }

    private static boolean awaitExit(ProcessHandle process, Duration patience) {
        try {
            process.onExit().get(Math.max(0, patience.toMillis()), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return !process.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping PostgreSQL", e);
        }
    }

    private static void awaitDetached(long key, long id, Path dataDirectory, Instant deadline) throws IOException {
        boolean warned = false;
        while (attachedProcesses(key, id) > 0) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("processes of the previous PostgreSQL on " + dataDirectory
                        + " are still attached to its shared memory (key " + key + ", id " + id + ")");
            }
            if (!warned) {
                log.warn("waiting for the processes of the previous PostgreSQL on {} to exit", dataDirectory);
                warned = true;
            }
            try {
                Thread.sleep(POLL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the previous PostgreSQL to exit", e);
            }
        }
    }

    /** How many processes are attached to the segment; 0 if it is gone or this is not Linux. */
    private static long attachedProcesses(long key, long id) throws IOException {
        if (!Files.isReadable(SYSV_SHM)) {
            return 0;
        }
        for (String line : Files.readAllLines(SYSV_SHM)) {
            String[] columns = line.trim().split("\\s+");
            if (columns.length > 6 && columns[0].equals(Long.toString(key)) && columns[1].equals(Long.toString(id))) {
                return Long.parseLong(columns[6]);
            }
        }
        return 0;
    }

    private static boolean isPostgres(ProcessHandle process) {
        return process.info().command()
                .map(command -> Path.of(command).getFileName().toString().equals("postgres"))
                .orElse(false);
    }

    /** The {@code token}-th number on line {@code line}, if the (possibly half-written) file has it. */
    private static Optional<Long> field(List<String> lines, int line, int token) {
        if (lines.size() <= line) {
            return Optional.empty();
        }
        String[] tokens = lines.get(line).trim().split("\\s+");
        try {
            return tokens.length > token ? Optional.of(Long.parseLong(tokens[token])) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
