package io.chatmesh.platform.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bus's topics: created when missing ({@link KafkaBusSettings#partitions()},
 * {@link KafkaBusSettings#replicationFactor()}) unless {@link KafkaBusSettings#createTopics()}
 * is off, and waited for until they are usable.
 */
final class KafkaTopics implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaTopics.class);
    /** Pause between checks whether a just-created topic is usable. */
    private static final Duration TOPIC_METADATA_RETRY = Duration.ofMillis(100);

    private final KafkaBusSettings settings;
    /** Null when topic creation is off. */
    private final Admin admin;
    private final Set<String> ensuredTopics = ConcurrentHashMap.newKeySet();

    /**
     * Creates the configured topics when topic creation is on.
     *
     * @throws KafkaException when they cannot be created within the api timeout
     */
    KafkaTopics(KafkaBusSettings settings, KafkaClientConfigs configs) {
        this.settings = settings;
        this.admin = settings.createTopics() ? Admin.create(configs.admin()) : null;
        try {
            if (admin != null && !settings.topics().isEmpty()) {
                createMissingTopics(settings.topics(), settings.apiTimeout());
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Creates the topic if it is missing and topic creation is on (once per topic). */
    void ensure(String topic, Duration timeout) {
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

    /** Waits out the short time a just-created topic may be missing from broker metadata. */
    List<TopicPartition> partitionsOf(KafkaConsumer<String, byte[]> consumer, String topic) {
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

    @Override
    public void close() {
        if (admin != null) {
            admin.close(settings.apiTimeout());
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
}
