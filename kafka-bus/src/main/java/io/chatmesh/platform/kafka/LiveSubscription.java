package io.chatmesh.platform.kafka;

import io.chatmesh.platform.bus.EventBus.EventHandler;
import java.time.Duration;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the partitions assigned to it by {@link KafkaEventBus#subscribeLive} (all of the topic,
 * positioned at their end as of subscribing) without a group or commits. A failing handler
 * costs that one event, never the events behind it.
 */
final class LiveSubscription extends ConsumerSubscription {

    private static final Logger log = LoggerFactory.getLogger(LiveSubscription.class);

    private final String topic;
    private final EventHandler handler;

    LiveSubscription(String name, KafkaConsumer<String, byte[]> consumer, String topic, EventHandler handler,
            Duration apiTimeout, Consumer<ConsumerSubscription> onClosed) {
        super(name, consumer, apiTimeout, onClosed);
        this.topic = topic;
        this.handler = handler;
    }

    @Override
    protected void consume() {
        while (running()) {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(MAX_POLL_WAIT)) {
                if (!running()) {
                    return;
                }
                try {
                    handler.handle(record.key(), record.value());
                } catch (Exception e) {
                    log.warn("live subscription {} to {}: handler failed on partition {} offset {}; event skipped",
                            name, topic, record.partition(), record.offset(), e);
                }
            }
        }
    }
}
