package io.chatmesh.platform.db;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * {@code chatmesh_store_seconds{store,operation}}: how long a store's operations take (one
 * statement or command each, whether it succeeded or failed). Operations must be a bounded set
 * of names (a DAO method, a command name), never SQL text or ids: each is a timer of its own.
 * Shared by the PostgreSQL hook ({@link JdbiStatementMetrics}) and message-service's MongoDB
 * command listener.
 */
public final class StoreMetrics {

    private final MeterRegistry registry;
    private final String store;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    /** @param store which store, the {@code store} label: e.g. {@code postgresql}, {@code mongodb} */
    public StoreMetrics(MeterRegistry registry, String store) {
        this.registry = registry;
        this.store = store;
    }

    public void record(String operation, long nanos) {
        timer(operation).record(Math.max(0, nanos), TimeUnit.NANOSECONDS);
    }

    /** The operation's timer, registered on first use; callers on a hot path may keep it. */
    public Timer timer(String operation) {
        Timer timer = timers.get(operation);
        return timer != null ? timer : timers.computeIfAbsent(operation, op -> Timer.builder("chatmesh.store")
                .description("store operations (statements, commands), by store and operation")
                .tags("store", store, "operation", op)
                .publishPercentileHistogram()
                .register(registry));
    }
}
