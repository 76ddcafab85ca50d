package io.chatmesh.platform.kafka;

import io.chatmesh.platform.bus.BusMeters;
import io.chatmesh.platform.bus.EventBus;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@link EventBus} over Apache Kafka: keys are record keys (so one key stays on one partition,
 * in order), payloads are record values.
 *
 * <ul>
 * <li><b>publish</b>: an idempotent producer with {@code acks=all} and at most 5 requests in
 * flight (ordered, no duplicates from retries); {@code publishAll} sends a whole run at once. The future completes on the producer's I/O
 * thread once the broker acknowledged the event and fails when it did not within
 * {@link KafkaBusSettings#deliveryTimeout()}, or when send itself failed (e.g. no metadata
 * within {@link KafkaBusSettings#maxBlock()}, bus closed). Dependent stages must not block
 * (use the {@code *Async} variants for slow work).
 * <li><b>subscribe</b>: a consumer group ({@link DurableSubscription}): a new group starts at
 * the oldest event kept; afterwards it resumes at its last committed offset, which is only ever
 * moved past events whose handler returned. Failed events are retried in place.
 * <li><b>subscribeLive</b>: no group at all ({@link LiveSubscription}): each live subscription
 * reads every partition itself from the end as of the call, so every instance sees every event
 * published after it subscribed; nothing is committed or remembered.
 * </ul>
 *
 * Topics are created when missing ({@link KafkaTopics}): the configured ones at construction, any
 * other on first use; nothing is created when {@link KafkaBusSettings#createTopics()} is off.
 *
 * <p>Metrics ({@link BusMeters}, and the producer's own as {@code kafka_producer_*}): a publish is timed until the broker acknowledged all of its
 * events, an event's consumption from its record timestamp (set by the producer when it was
 * sent) until a subscription's handler returned, and a topic's lag is what its subscriptions
 * in this process have not handled yet (see {@link ConsumerSubscription}).
 */
public final class KafkaEventBus implements EventBus {

    private final KafkaBusSettings settings;
    private final KafkaProducer<String, byte[]> producer;
    /** The producer's own metrics (kafka_producer_*: send errors, request latency, buffer use). */
    private final KafkaClientMetrics producerMetrics;
    private final KafkaClientConfigs configs;
    private final KafkaTopics topics;
    private final Set<ConsumerSubscription> subscriptions = ConcurrentHashMap.newKeySet();
    private final BusMeters meters;
    private volatile boolean closed;

    /**
     * Connects, and creates the configured topics when topic creation is on.
     *
     * @throws KafkaException when those topics cannot be created within the api timeout
     *         (e.g. no broker reachable): a service should not start without its bus
     */
    public KafkaEventBus(KafkaBusSettings settings, MeterRegistry registry) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.meters = new BusMeters(registry);
        this.configs = new KafkaClientConfigs(settings);
        this.topics = new KafkaTopics(settings, configs);
        try {
            this.producer = new KafkaProducer<>(configs.producer(), new StringSerializer(), new ByteArraySerializer());
            this.producerMetrics = new KafkaClientMetrics(producer);
            producerMetrics.bindTo(registry);
        } catch (RuntimeException e) {
            topics.close();
            throw e;
        }
    }

    /** With its meters in Micrometer's global registry (which the services' registries join). */
    public KafkaEventBus(KafkaBusSettings settings) {
        this(settings, Metrics.globalRegistry);
    }

    public KafkaBusSettings settings() {
        return settings;
    }

    /**
     * Sends the events in order (same key, same partition, idempotent producer) and completes
     * once the broker acknowledged them all; fails when one of them failed. An event the
     * producer did not take (e.g. no metadata within {@link KafkaBusSettings#maxBlock()} after a
     * broker restart) ends the run: the events after it are not sent, so what the broker may have
     * written is always a prefix of the run, never a later event without the ones before it.
     */
    @Override
    public CompletableFuture<Void> publishAll(String topic, List<Event> events) {
        long start = System.nanoTime();
        try {
            requireOpen();
            Objects.requireNonNull(topic, "topic");
            topics.ensure(topic, settings.maxBlock());
        } catch (RuntimeException e) {
            CompletableFuture<Void> refused = CompletableFuture.failedFuture(e);
            if (topic != null) {
                meters.topic(topic).timePublish(refused, start);
            }
            return refused;
        }
        BusMeters.TopicMeters topicMeters = meters.topic(topic);
        List<CompletableFuture<Void>> sent = new ArrayList<>(events.size());
        for (Event event : events) {
            CompletableFuture<Void> acknowledged = send(topic, event);
            sent.add(acknowledged);
            if (acknowledged.isCompletedExceptionally()) {
                break; // not taken: sending the rest would put them in the log without this one
            }
        }
        CompletableFuture<Void> accepted = CompletableFuture.allOf(sent.toArray(CompletableFuture<?>[]::new));
        topicMeters.timePublish(accepted, start);
        return accepted;
    }

    private CompletableFuture<Void> send(String topic, Event event) {
        CompletableFuture<Void> acknowledged = new CompletableFuture<>();
        try {
            producer.send(new ProducerRecord<>(topic, event.key(), event.payload()), (metadata, error) -> {
                if (error == null) {
                    acknowledged.complete(null);
                } else {
                    acknowledged.completeExceptionally(error);
                }
            });
        } catch (RuntimeException e) {
            // send() throws for some failures (closed producer, interrupted) instead of calling back
            acknowledged.completeExceptionally(e);
        }
        return acknowledged;
    }

    /**
     * Starts a consumer thread in consumer group {@code group}; see {@link DurableSubscription}
     * for commits, retries and what a restart replays.
     */
    @Override
    public Subscription subscribe(String topic, String group, EventHandler handler) {
        requireOpen();
        Objects.requireNonNull(handler, "handler");
        topics.ensure(topic, settings.apiTimeout());
        String clientId = configs.clientId(group);
        KafkaConsumer<String, byte[]> consumer = KafkaClientConfigs.newConsumer(configs.durableConsumer(group, clientId));
        return start(new DurableSubscription(clientId, consumer, topic, group, handler, settings.retryBackoff(),
                settings.apiTimeout(), metersOf(topic), this::forget));
    }

    /**
     * Reads all partitions of {@code topic} with manually assigned partitions and no consumer
     * group, starting at each partition's end as of this call (resolved before returning, so
     * every event published after this returns is delivered, also across broker restarts and
     * leader changes, as long as the broker still has it: see {@link LiveSubscription}). No
     * offsets are committed; after a restart of this process it starts at the then end again.
     * Partitions added to the topic later are not read until the next subscription. A handler
     * exception is logged and the event skipped: live fan-out must not stall behind one bad event.
     *
     * @throws TimeoutException when the topic has no partitions within the api timeout (it does
     *         not exist and topic creation is off, or no broker answers)
     */
    @Override
    public Subscription subscribeLive(String topic, EventHandler handler) {
        requireOpen();
        Objects.requireNonNull(handler, "handler");
        topics.ensure(topic, settings.apiTimeout());
        String clientId = configs.clientId("live");
        KafkaConsumer<String, byte[]> consumer = KafkaClientConfigs.newConsumer(configs.liveConsumer(clientId));
        Map<TopicPartition, Long> start = new HashMap<>();
        try {
            List<TopicPartition> partitions = topics.partitionsOf(consumer, topic);
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            for (TopicPartition partition : partitions) {
                start.put(partition, consumer.position(partition, settings.apiTimeout()));
            }
        } catch (RuntimeException e) {
            consumer.close(Duration.ZERO);
            throw e;
        }
        return start(new LiveSubscription(clientId, consumer, topic, start, handler, settings.retryBackoff(),
                settings.apiTimeout(), metersOf(topic), this::forget));
    }

    /** Stops every subscription (committing what they handled), then flushes pending publishes. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        List.copyOf(subscriptions).forEach(ConsumerSubscription::close);
        producerMetrics.close();
        producer.close(settings.apiTimeout());
        topics.close();
        meters.close();
    }

    /** The topic's meters, with its lag gauge: what this bus's subscriptions to it have not handled. */
    private BusMeters.TopicMeters metersOf(String topic) {
        meters.lagOf(topic, () -> subscriptions.stream().filter(s -> s.topic().equals(topic))
                .mapToLong(ConsumerSubscription::lag).sum());
        return meters.topic(topic);
    }

    private Subscription start(ConsumerSubscription subscription) {
        subscriptions.add(subscription);
        subscription.start();
        if (closed) {
            subscription.close(); // lost a race with close(), which may not have seen it
            throw new IllegalStateException("event bus closed");
        }
        return subscription;
    }

    private void forget(ConsumerSubscription subscription) {
        subscriptions.remove(subscription);
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("event bus closed");
        }
    }
}
