package io.chatmesh.platform.db;

import java.util.concurrent.Callable;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.config.ConfigRegistry;
import org.jdbi.v3.core.extension.ExtensionContext;
import org.jdbi.v3.core.extension.Extensions;
import org.jdbi.v3.core.extension.HandleSupplier;
import org.jdbi.v3.core.extension.NoSuchExtensionException;

/**
 * Jdbi SqlObjects attached once, for the life of a service, and used from any thread.
 *
 * <p>Why: attaching a SqlObject copies Jdbi's whole configuration once for the instance and
 * once per method, and prepares every method: for a 20-method interface that is ≈0.2–0.5 ms of
 * CPU and ≈90 KB of garbage, more than most of its queries. {@code handle.attach} pays it per
 * handle, and {@code jdbi.onDemand} per method call (Jdbi 3.54: its proxy attaches anew each
 * time); attaching per transaction made it the top cost of the send path.
 *
 * <p>A call of an object attached here runs on the handle the calling thread already has open
 * through {@code jdbi.withHandle} / {@code jdbi.inTransaction} (so it joins that transaction),
 * or else on a handle opened for that call and closed after it, as with {@code onDemand}; so
 * its methods must not return lazy results (Stream, Iterator). What attaching builds is only
 * read afterwards (statements copy the method's configuration), so one instance serves all
 * threads; its configuration is Jdbi's as it was when attached. The handle comes from Jdbi's
 * per-thread handle scope, the mechanism that lets on-demand SqlObjects join an enclosing
 * handle.
 */
public final class SqlObjects {

    private SqlObjects() {}

    /** An instance of {@code sqlObjectType} to keep in a field and call from any thread. */
    public static <T> T attachOnce(Jdbi jdbi, Class<T> sqlObjectType) {
        return jdbi.getConfig(Extensions.class)
                .findFor(sqlObjectType, new ScopedHandleSupplier(jdbi))
                .orElseThrow(() -> new NoSuchExtensionException(sqlObjectType));
    }

    /** Supplies the thread's current handle, or one opened for the call. */
    private static final class ScopedHandleSupplier implements HandleSupplier {

        private final Jdbi jdbi;

        ScopedHandleSupplier(Jdbi jdbi) {
            this.jdbi = jdbi;
        }

        /** Every SqlObject method runs through here before it asks for the handle. */
        @Override
        public <V> V invokeInContext(ExtensionContext extensionContext, Callable<V> task) throws Exception {
            HandleSupplier scoped = jdbi.getHandleScope().get();
            if (scoped != null) {
                return scoped.invokeInContext(extensionContext, task);
            }
            // withHandle puts its handle in scope, so calls nested in this one share it
            return jdbi.withHandle(handle -> jdbi.getHandleScope().get().invokeInContext(extensionContext, task));
        }

        @Override
        public Handle getHandle() {
            HandleSupplier scoped = jdbi.getHandleScope().get();
            if (scoped == null) {
                throw new IllegalStateException("no handle in scope: SqlObject methods ask for it inside invokeInContext");
            }
            return scoped.getHandle();
        }

        @Override
        public Jdbi getJdbi() {
            return jdbi;
        }

        /** Read once, when attaching: the SqlObject's configuration derives from Jdbi's, as on-demand ones do. */
        @Override
        public ConfigRegistry getConfig() {
            return jdbi.getConfig();
        }
    }
}
