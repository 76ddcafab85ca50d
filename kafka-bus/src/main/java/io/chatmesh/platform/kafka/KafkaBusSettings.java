package io.chatmesh.platform.kafka;

import io.chatmesh.platform.bus.Topics;
import io.chatmesh.platform.id.Ids;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How a {@link KafkaEventBus} connects and behaves. Every component but
 * {@code bootstrapServers} may be null and then takes the default given here (which is how
 * Spring binds {@code chatmesh.bus.kafka.*} onto it).
 *
 * @param bootstrapServers  {@code host:port,...} of the brokers; required
 * @param clientIdPrefix    first part of every client.id (default {@code chatmesh})
 * @param instanceId        names this process in client ids; set it to something stable such
 *                          as the pod name (default: a random id per start)
 * @param partitions        partitions of topics the bus creates (default 12). It bounds the
 *                          parallelism of one consumer group; never change it on a live
 *                          topic, since a key's partition (and so its order) depends on it
 * @param replicationFactor replication of topics the bus creates (default 1, for one dev
 *                          broker; production: 3, with the topic's min.insync.replicas=2)
 * @param createTopics      create missing topics with Admin (default true); switch off where
 *                          topics are provisioned by ops and the client may not create them
 * @param topics            topics created at startup (default room events and signaling);
 *                          other topics are created on first use
 * @param deliveryTimeout   how long a publish may take until the broker acked it, retries
 *                          included (default 5 s); the publish future fails after it
 * @param requestTimeout    one produce request's wait for the broker (default 3 s); must leave
 *                          room inside deliveryTimeout
 * @param maxBlock          how long publish may block the caller waiting for metadata or
 *                          buffer space, and the topic check on first use (default 5 s)
 * @param apiTimeout        admin calls, partition look-ups, offset commits and closing clients
 *                          (default 10 s)
 * @param retryBackoff      pause before a durable subscription retries an event whose handler
 *                          threw (default 500 ms)
 * @param clientProperties  extra Kafka client properties for every producer, consumer and
 *                          admin client, e.g. {@code security.protocol}, {@code sasl.*},
 *                          {@code ssl.*}, {@code session.timeout.ms}; the settings above and
 *                          the delivery guarantees the bus relies on (acks, idempotence,
 *                          manual commits) win over them
 */
public record KafkaBusSettings(
        String bootstrapServers,
        String clientIdPrefix,
        String instanceId,
        Integer partitions,
        Short replicationFactor,
        Boolean createTopics,
        List<String> topics,
        Duration deliveryTimeout,
        Duration requestTimeout,
        Duration maxBlock,
        Duration apiTimeout,
        Duration retryBackoff,
        Map<String, String> clientProperties) {

    /** The producer's linger.ms: a few ms of batching while keeping publishes prompt. */
    static final Duration LINGER = Duration.ofMillis(5);
    /**
     * A durable subscription's fetches wait for this many bytes, or {@link #DURABLE_FETCH_MAX_WAIT}:
     * a store writes each poll in one transaction, and a few bigger polls cost it much less than
     * many small ones. Live subscriptions fetch whatever is there, at once.
     */
    static final int DURABLE_FETCH_MIN_BYTES = 64 * 1024;
    static final Duration DURABLE_FETCH_MAX_WAIT = Duration.ofMillis(50);

    public KafkaBusSettings {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("bootstrapServers is required");
        }
        clientIdPrefix = clientIdPrefix == null || clientIdPrefix.isBlank() ? "chatmesh" : clientIdPrefix;
        instanceId = instanceId == null || instanceId.isBlank() ? Ids.newId().toLowerCase() : instanceId;
        partitions = partitions == null ? 12 : partitions;
        replicationFactor = replicationFactor == null ? 1 : replicationFactor;
        createTopics = createTopics == null || createTopics;
        topics = topics == null ? List.of(Topics.ROOM_EVENTS, Topics.SIGNALING) : List.copyOf(topics);
        deliveryTimeout = deliveryTimeout == null ? Duration.ofSeconds(5) : deliveryTimeout;
        requestTimeout = requestTimeout == null ? Duration.ofSeconds(3) : requestTimeout;
        maxBlock = maxBlock == null ? Duration.ofSeconds(5) : maxBlock;
        apiTimeout = apiTimeout == null ? Duration.ofSeconds(10) : apiTimeout;
        retryBackoff = retryBackoff == null ? Duration.ofMillis(500) : retryBackoff;
        clientProperties = clientProperties == null ? Map.of() : Map.copyOf(clientProperties);

        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1");
        }
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("replicationFactor must be at least 1");
        }
        requirePositive(requestTimeout, "requestTimeout");
        requirePositive(maxBlock, "maxBlock");
        requirePositive(apiTimeout, "apiTimeout");
        requirePositive(retryBackoff, "retryBackoff");
        // The producer refuses delivery.timeout.ms < linger.ms + request.timeout.ms.
        if (deliveryTimeout.compareTo(requestTimeout.plus(LINGER)) < 0) {
            throw new IllegalArgumentException("deliveryTimeout must be at least requestTimeout + " + LINGER.toMillis() + " ms");
        }
    }

    /** All defaults, for these brokers. */
    public static KafkaBusSettings of(String bootstrapServers) {
        return new KafkaBusSettings(bootstrapServers, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    public KafkaBusSettings withInstanceId(String id) {
        return new KafkaBusSettings(bootstrapServers, clientIdPrefix, id, partitions, replicationFactor, createTopics,
                topics, deliveryTimeout, requestTimeout, maxBlock, apiTimeout, retryBackoff, clientProperties);
    }

    public KafkaBusSettings withTopics(boolean create, List<String> createdAtStartup) {
        return new KafkaBusSettings(bootstrapServers, clientIdPrefix, instanceId, partitions, replicationFactor, create,
                createdAtStartup, deliveryTimeout, requestTimeout, maxBlock, apiTimeout, retryBackoff, clientProperties);
    }

    public KafkaBusSettings withPublishTimeouts(Duration delivery, Duration request, Duration block) {
        return new KafkaBusSettings(bootstrapServers, clientIdPrefix, instanceId, partitions, replicationFactor,
                createTopics, topics, delivery, request, block, apiTimeout, retryBackoff, clientProperties);
    }

    public KafkaBusSettings withApiTimeout(Duration timeout) {
        return new KafkaBusSettings(bootstrapServers, clientIdPrefix, instanceId, partitions, replicationFactor,
                createTopics, topics, deliveryTimeout, requestTimeout, maxBlock, timeout, retryBackoff, clientProperties);
    }

    public KafkaBusSettings withRetryBackoff(Duration backoff) {
        return new KafkaBusSettings(bootstrapServers, clientIdPrefix, instanceId, partitions, replicationFactor,
                createTopics, topics, deliveryTimeout, requestTimeout, maxBlock, apiTimeout, backoff, clientProperties);
    }

    public KafkaBusSettings withClientProperties(Map<String, String> properties) {
        return new KafkaBusSettings(bootstrapServers, clientIdPrefix, instanceId, partitions, replicationFactor,
                createTopics, topics, deliveryTimeout, requestTimeout, maxBlock, apiTimeout, retryBackoff, properties);
    }

    private static void requirePositive(Duration duration, String name) {
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }
}
