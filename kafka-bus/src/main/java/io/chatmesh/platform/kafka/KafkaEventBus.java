package io.chatmesh.platform.kafka;

import io.chatmesh.platform.bus.BusMeters;
import io.chatmesh.platform.bus.EventBus;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * Topics are created when missing (Admin, {@link KafkaBusSettings#partitions()} and
 * {@link KafkaBusSettings#replicationFactor()}): the configured ones at construction, any other
 * on first use; nothing is created when {@link KafkaBusSettings#createTopics()} is off.
 *
 * <p>Metrics ({@link BusMeters}, and the producer's own as {@code kafka_producer_*}): a publish is timed until the broker acknowledged all of its
 * events, an event's consumption from its record timestamp (set by the producer when it was
 * sent) until a subscription's handler returned, and a topic's lag is what its subscriptions
 * in this process have not handled yet (see {@link ConsumerSubscription}).
 */
public final class KafkaEventBus implements EventBus {

    private static final Logger log = LoggerFactory.getLogger(KafkaEventBus.class);
    /** Pause between checks whether a just-created topic is usable. */
    private static final Duration TOPIC_METADATA_RETRY = Duration.ofMillis(100);

    private final KafkaBusSettings settings;
    private final KafkaProducer<String, byte[]> producer;
    /** The producer's own metrics (kafka_producer_*: send errors, request latency, buffer use). */
    private final KafkaClientMetrics producerMetrics;
    private final Admin admin;
    private final Set<String> ensuredTopics = ConcurrentHashMap.newKeySet();
    private final Set<ConsumerSubscription> subscriptions = ConcurrentHashMap.newKeySet();
    private final AtomicInteger clientCounter = new AtomicInteger();
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
        this.admin = settings.createTopics() ? Admin.create(adminConfig()) : null;
        try {
            if (admin != null && !settings.topics().isEmpty()) {
                createMissingTopics(settings.topics(), settings.apiTimeout());
            }
            this.producer = new KafkaProducer<>(producerConfig(), new StringSerializer(), new ByteArraySerializer());
            this.producerMetrics = new KafkaClientMetrics(producer);
            producerMetrics.bindTo(registry);
        } catch (RuntimeException e) {
            if (admin != null) {
                admin.close(settings.apiTimeout());
            }
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
            ensureTopic(topic, settings.maxBlock());
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
        ensureTopic(topic, settings.apiTimeout());
        String clientId = clientId(group);
        KafkaConsumer<String, byte[]> consumer = newConsumer(durableConsumerConfig(group, clientId));
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
        ensureTopic(topic, settings.apiTimeout());
        String clientId = clientId("live");
        KafkaConsumer<String, byte[]> consumer = newConsumer(liveConsumerConfig(clientId));
        Map<TopicPartition, Long> start = new HashMap<>();
        try {
            List<TopicPartition> partitions = partitionsOf(consumer, topic);
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
        if (admin != null) {
            admin.close(settings.apiTimeout());
        }
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

    private void ensureTopic(String topic, Duration timeout) {
        if (admin != null && !ensuredTopics.contains(topic)) {
            createMissingTopics(List.of(topic), timeout);
        }
    }

    private void createMissingTopics(Collection<String> topics, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<NewTopic> newTopics = topics.stream()
                .map(topic -> new NewTopic(topic, settings.partitions(), settings.replicationFactor()))
                .toList();
        admin.createTopics(newTopics).values().forEach((topic, created) -> {
            try {
                await(created, deadline);
                log.info("created topic {} ({} partitions, replication factor {})", topic, settings.partitions(),
                        settings.replicationFactor());
            } catch (TopicExistsException e) {
                log.debug("topic {} exists", topic);
            }
            awaitWritable(topic, deadline);
            ensuredTopics.add(topic);
        });
    }

    /**
     * Returns once every partition of the topic is served by its leader. Producing to a
     * partition the broker has not opened yet can lose records despite idempotence
     * (KAFKA-15591: a later batch is appended first, the rejected earlier one can then never
     * be appended and expires), so publishing waits for this after a topic is created.
     */
    private void awaitWritable(String topic, long deadline) {
        while (true) {
            try {
                TopicDescription description = await(admin.describeTopics(List.of(topic)).topicNameValues().get(topic),
                        deadline);
                Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
                description.partitions().forEach(p -> ends.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
                await(admin.listOffsets(ends).all(), deadline);
                return;
            } catch (RetriableException e) {
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("topic " + topic + " is not writable yet", e);
                }
                sleep(TOPIC_METADATA_RETRY);
            }
        }
    }

    /** The future's value, or its failure's cause (a KafkaException) unwrapped. */
    private static <T> T await(KafkaFuture<T> future, long deadline) {
        try {
            return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof KafkaException kafka) {
                throw kafka;
            }
            throw new KafkaException(e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new TimeoutException("no answer from the brokers in time", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptException(e);
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptException(e);
        }
    }

    /** Waits out the short time a just-created topic may be missing from broker metadata. */
    private List<TopicPartition> partitionsOf(KafkaConsumer<String, byte[]> consumer, String topic) {
        long deadline = System.nanoTime() + settings.apiTimeout().toNanos();
        while (true) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, settings.apiTimeout());
            if (!infos.isEmpty()) {
                return infos.stream().map(info -> new TopicPartition(topic, info.partition())).toList();
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("topic " + topic + " has no partitions");
            }
            sleep(TOPIC_METADATA_RETRY);
        }
    }

    private String clientId(String role) {
        return settings.clientIdPrefix() + "-" + settings.instanceId() + "-" + role + "-" + clientCounter.incrementAndGet();
    }

    private static KafkaConsumer<String, byte[]> newConsumer(Map<String, Object> config) {
        return new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    }

    private Map<String, Object> commonConfig(String clientId) {
        Map<String, Object> config = new HashMap<>(settings.clientProperties());
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        config.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
        return config;
    }

    private Map<String, Object> producerConfig() {
        Map<String, Object> config = commonConfig(clientId("producer"));
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        config.put(ProducerConfig.LINGER_MS_CONFIG, (int) KafkaBusSettings.LINGER.toMillis());
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) settings.deliveryTimeout().toMillis());
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) settings.requestTimeout().toMillis());
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, settings.maxBlock().toMillis());
        return config;
    }

    private Map<String, Object> durableConsumerConfig(String group, String clientId) {
        Map<String, Object> config = commonConfig(clientId);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // bigger polls, so a store writes more events per transaction; client-properties may say otherwise
        config.putIfAbsent(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, KafkaBusSettings.DURABLE_FETCH_MIN_BYTES);
        config.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, (int) KafkaBusSettings.DURABLE_FETCH_MAX_WAIT.toMillis());
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) settings.apiTimeout().toMillis());
        return config;
    }

    private Map<String, Object> liveConsumerConfig(String clientId) {
        Map<String, Object> config = commonConfig(clientId);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // no automatic reset: "latest" would silently skip every event between where the position
        // became invalid and the end; LiveSubscription repositions itself (the start is an explicit seekToEnd)
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) settings.apiTimeout().toMillis());
        return config;
    }

    private Map<String, Object> adminConfig() {
        Map<String, Object> config = commonConfig(clientId("admin"));
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) settings.apiTimeout().toMillis());
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) settings.apiTimeout().toMillis());
        return config;
    }
}
