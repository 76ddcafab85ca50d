package io.chatmesh.platform.db;

import java.util.function.Consumer;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection kept open for one worker thread (it holds a connection of the pool for good),
 * with its SqlObjects attached once and session settings of its own (e.g. commits that do not
 * wait for the disk). A connection that failed is closed and replaced on next use. Not
 * thread-safe: one thread, one unit of work at a time.
 *
 * @param <R> what the work gets: the SqlObjects attached to the handle
 */
public final class DedicatedHandle<R> implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DedicatedHandle.class);
    private static final int VALIDATION_TIMEOUT_SECONDS = 2;

    private final Jdbi jdbi;
    private final Function<Handle, R> attach;
    private final Consumer<Handle> setUp;
    private Handle handle;
    private R attached;

    /**
     * @param attach builds what the work gets from a fresh handle (attaches the SqlObjects)
     * @param setUp runs once on each new handle before it is used (session settings)
     */
    public DedicatedHandle(Jdbi jdbi, Function<Handle, R> attach, Consumer<Handle> setUp) {
        this.jdbi = jdbi;
        this.attach = attach;
        this.setUp = setUp;
    }

    /** Runs {@code work} in one transaction (the database's default isolation); commits when it returns. */
    public <T> T inTransaction(Function<R, T> work) {
        return run(open -> open.inTransaction(h -> work.apply(attached)));
    }

    /** Runs {@code work} without a transaction around it: each statement commits on its own. */
    public <T> T withAttached(Function<R, T> work) {
        return run(open -> work.apply(attached));
    }

    private <T> T run(Function<Handle, T> work) {
        Handle open = open();
        try {
            return work.apply(open);
        } catch (RuntimeException e) {
            // Only a database failure can have broken the connection; a domain refusal cannot.
            if (e instanceof JdbiException && !stillValid(open)) {
                close();
            }
            throw e;
        }
    }

    private Handle open() {
        if (handle == null) {
            Handle opened = jdbi.open();
            try {
                setUp.accept(opened);
                attached = attach.apply(opened);
            } catch (RuntimeException e) {
                opened.close();
                throw e;
            }
            handle = opened;
        }
        return handle;
    }

    private static boolean stillValid(Handle handle) {
        try {
            return handle.getConnection().isValid(VALIDATION_TIMEOUT_SECONDS);
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public void close() {
        if (handle != null) {
            try {
                handle.close();
            } catch (RuntimeException e) {
                log.debug("closing a database handle failed", e);
            }
            handle = null;
            attached = null;
        }
    }
}
