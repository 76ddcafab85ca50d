package io.chatmesh.platform.bus;

import io.chatmesh.platform.id.Ids;
import java.util.concurrent.CompletableFuture;

/**
 * Carries serialized events (room events, signaling) between service instances.
 * Implementations: {@link InProcessEventBus} for the embedded single-JVM default; Kafka
 * for production. Events with the same key are delivered in publish order.
 */
public interface EventBus extends AutoCloseable {

    /**
     * Publishes one event.
     *
     * @return completes once the bus has accepted the event durably (in-process: every
     *         subscriber has handled it; Kafka: the broker acknowledged it); fails otherwise,
     *         in which case the caller must not report success to its client
     */
    CompletableFuture<Void> publish(String topic, String key, byte[] payload);

    /**
     * A durable subscription: the group's position survives restarts (a new group starts at
     * the oldest event kept), and an event counts as consumed only once the handler returned,
     * so a crash replays it (handlers must be idempotent).
     *
     * @param group subscriptions in different groups each get every event; subscriptions
     *        sharing a group split the events between them
     */
    Subscription subscribe(String topic, String group, EventHandler handler);

    /**
     * A live subscription: this instance gets every event published from now on, whatever
     * other instances subscribe; nothing is remembered across restarts. For fanning events
     * out to the clients connected to this instance, which catch up on their own on reconnect.
     */
    default Subscription subscribeLive(String topic, EventHandler handler) {
        return subscribe(topic, "live-" + Ids.newId(), handler);
    }

    @Override
    void close();

    /** Handles one event; a thrown exception marks the event as not handled. */
    @FunctionalInterface
    interface EventHandler {
        void handle(String key, byte[] payload) throws Exception;
    }

    /** Stops a subscription. */
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }
}
