package io.chatmesh.platform.grpc;

import io.grpc.Status;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Timers of gRPC calls by method and status code (count, sum and histogram), each created on
 * its first call: what the server's {@link CallMetrics} and the clients' {@link ClientCallMetrics}
 * share. Recording looks the timer up without allocating.
 */
final class CallTimers {

    private static final Status.Code[] CODES = Status.Code.values();

    private final MeterRegistry registry;
    private final String name;
    private final String description;
    /** Per full method name, its timers indexed by status code. */
    private final ConcurrentMap<String, AtomicReferenceArray<Timer>> timers = new ConcurrentHashMap<>();

    CallTimers(MeterRegistry registry, String name, String description) {
        this.registry = registry;
        this.name = name;
        this.description = description;
    }

    void record(String method, Status.Code code, long nanos) {
        AtomicReferenceArray<Timer> byCode = timers.computeIfAbsent(method, m -> new AtomicReferenceArray<>(CODES.length));
        Timer timer = byCode.get(code.ordinal());
        if (timer == null) {
            // registering is idempotent: a racing thread gets the same timer back
            timer = Timer.builder(name)
                    .description(description)
                    .tags("method", method, "code", code.name())
                    .publishPercentileHistogram()
                    .register(registry);
            byCode.set(code.ordinal(), timer);
        }
        timer.record(nanos, TimeUnit.NANOSECONDS);
    }
}
