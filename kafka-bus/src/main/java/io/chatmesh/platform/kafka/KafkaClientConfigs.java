package io.chatmesh.platform.kafka;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** The configurations of the bus's Kafka clients (producer, consumers, admin), from its settings. */
final class KafkaClientConfigs {

    private final KafkaBusSettings settings;
    private final AtomicInteger clientCounter = new AtomicInteger();

    KafkaClientConfigs(KafkaBusSettings settings) {
        this.settings = settings;
    }

    /** A client id unique in this process: prefix, instance, role and a counter. */
    String clientId(String role) {
        return settings.clientIdPrefix() + "-" + settings.instanceId() + "-" + role + "-" + clientCounter.incrementAndGet();
    }

    static KafkaConsumer<String, byte[]> newConsumer(Map<String, Object> config) {
        return new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    }

    private Map<String, Object> commonConfig(String clientId) {
        Map<String, Object> config = new HashMap<>(settings.clientProperties());
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        config.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
        return config;
    }

    Map<String, Object> producer() {
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

    Map<String, Object> durableConsumer(String group, String clientId) {
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

    Map<String, Object> liveConsumer(String clientId) {
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

    Map<String, Object> admin() {
        Map<String, Object> config = commonConfig(clientId("admin"));
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) settings.apiTimeout().toMillis());
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) settings.apiTimeout().toMillis());
        return config;
    }
}
