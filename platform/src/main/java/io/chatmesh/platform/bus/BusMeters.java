package io.chatmesh.platform.bus;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * An {@link EventBus}'s meters, per topic (docs/production.md, Metrics), created once per
 * topic so that publishing and handling only record:
 * <ul>
 * <li>{@code chatmesh_bus_publish_seconds{topic}}: from a publish call until the bus accepted it;
 * {@code chatmesh_bus_publish_failures_total{topic}}: publishes it did not accept;
 * <li>{@code chatmesh_bus_consume_seconds{topic}}: from an event's publication until a subscriber
 * has handled it, once per event and subscriber;
 * <li>{@code chatmesh_bus_consumer_lag{topic}}: events published but not yet handled by this
 * process's subscribers, as the bus implementation counts it.
 * </ul>
 * {@link #close()} takes the lag gauges off the registry (they read the bus's state).
 */
public final class BusMeters implements AutoCloseable {

    private final MeterRegistry registry;
    private final Map<String, TopicMeters> topics = new ConcurrentHashMap<>();
    private final List<Gauge> lagGauges = new CopyOnWriteArrayList<>();

    public BusMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    /** The topic's meters, registered on first use. */
    public TopicMeters topic(String topic) {
        TopicMeters meters = topics.get(topic);
        return meters != null ? meters : topics.computeIfAbsent(topic, t -> new TopicMeters(registry, t));
    }

    /**
     * Registers the topic's lag gauge, read from {@code lag} at each scrape (never on the hot
     * path). Once per topic and bus: a second registration for the topic is ignored.
     */
    public synchronized void lagOf(String topic, LongSupplier lag) {
        if (lagGauges.stream().anyMatch(g -> topic.equals(g.getId().getTag("topic")))) {
            return;
        }
        lagGauges.add(Gauge.builder("chatmesh.bus.consumer.lag", lag, LongSupplier::getAsLong)
                .description("events published but not yet handled by this process's subscribers")
                .tag("topic", topic)
                .strongReference(true)
                .register(registry));
    }

    @Override
    public synchronized void close() {
        lagGauges.forEach(registry::remove);
        lagGauges.clear();
    }

    /** One topic's timers. */
    public static final class TopicMeters {

        private final Timer publish;
        private final Counter publishFailures;
        private final Timer consume;

        TopicMeters(MeterRegistry registry, String topic) {
            publish = Timer.builder("chatmesh.bus.publish")
                    .description("from a publish call until the bus accepted it (accepted publishes only)")
                    .tag("topic", topic)
                    .publishPercentileHistogram()
                    .register(registry);
            publishFailures = Counter.builder("chatmesh.bus.publish.failures")
                    .description("publishes the bus did not accept")
                    .tag("topic", topic)
                    .register(registry);
            consume = Timer.builder("chatmesh.bus.consume")
                    .description("from an event's publication until a subscriber handled it, per event and subscriber")
                    .tag("topic", topic)
                    .publishPercentileHistogram()
                    .register(registry);
        }

        /** Times the publish that started at {@code startNanos} (System.nanoTime) once {@code accepted} completes. */
        public void timePublish(CompletableFuture<?> accepted, long startNanos) {
            accepted.whenComplete((ignored, failure) -> {
                if (failure == null) {
                    publish.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
                } else {
                    publishFailures.increment();
                }
            });
        }

        /** One event handled by one subscriber, {@code nanos} after it was published. */
        public void consumed(long nanos) {
            consume.record(Math.max(0, nanos), TimeUnit.NANOSECONDS);
        }
    }
}
