package io.chatmesh.platform.db;

import java.sql.SQLException;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Which of a {@link KeyedInsert}'s statements a batch runs: the plain one, as long as batches
 * hold only new keys; when one fails on a key already taken, the batch is run again with the
 * statement that skips such rows, and so are the batches of the next
 * {@link #SKIPPING_AFTER_A_TAKEN_KEY}.
 * A failed statement costs a line in PostgreSQL's log (with the statement), so a caller who
 * makes keys collide on purpose, sending one client_id to two instances at once again and
 * again, gets one such line per that time, not one per send; a bus that hands over a backlog
 * of messages stored before (a Kafka consumer starting over) fails one batch, not each.
 * Thread-safe; one per writer, kept across its connections.
 */
public final class TakenKeys {

    public static final Duration SKIPPING_AFTER_A_TAKEN_KEY = Duration.ofSeconds(10);

    /** SQLSTATE unique_violation. */
    private static final String UNIQUE_VIOLATION = "23505";

    /** One attempt at the work that runs the insert: a statement, or a whole transaction. */
    @FunctionalInterface
    public interface Attempt<T> {
        /** @param skipTakenKeys whether to run the statement that skips rows whose key is taken */
        T run(boolean skipTakenKeys);
    }

    private final LongSupplier nanoClock;
    private volatile boolean skipping;
    private volatile long skippingSince;

    public TakenKeys() {
        this(System::nanoTime);
    }

    TakenKeys(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /**
     * Runs the attempt with the plain statement, unless a taken key was met lately; if it fails
     * on a taken key, runs it again with the one that skips them. A failed statement aborts its
     * transaction, so an attempt inside a transaction must be the whole transaction. Any other
     * failure, or a second one, is thrown.
     */
    public <T> T insert(Attempt<T> attempt) {
        if (skipping && nanoClock.getAsLong() - skippingSince < SKIPPING_AFTER_A_TAKEN_KEY.toNanos()) {
            return attempt.run(true);
        }
        try {
            T result = attempt.run(false);
            skipping = false;
            return result;
        } catch (RuntimeException e) {
            if (!isUniqueViolation(e)) {
                throw e;
            }
            skippingSince = nanoClock.getAsLong();
            skipping = true;
            return attempt.run(true);
        }
    }

    /** Whether the failure, or one of its causes, is PostgreSQL refusing a key already taken. */
    static boolean isUniqueViolation(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && UNIQUE_VIOLATION.equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
