package io.chatmesh.platform.bus;

import io.chatmesh.platform.id.Ids;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Carries serialized events (room events, signaling) between service instances.
 * Implementations: {@link InProcessEventBus} for the embedded single-JVM default; Kafka
 * for production. Events with the same key are delivered in publish order.
 */
public interface EventBus extends AutoCloseable {

    /** One event: its key (events with the same key keep their order) and its serialized form. */
    record Event(String key, byte[] payload) {}

    /**
     * Publishes one event.
     *
     * @return completes once the bus has accepted the event durably (in-process: every
     *         durable subscriber has handled it; Kafka: the broker acknowledged it); fails otherwise,
     *         in which case the caller must not report success to its client
     */
    default CompletableFuture<Void> publish(String topic, String key, byte[] payload) {
        return publishAll(topic, List.of(new Event(key, payload)));
    }

    /**
     * Publishes events in this order, as one unit of work for the bus (a producer batch, one
     * transaction of a durable subscriber): the way to publish many events cheaply.
     *
     * @return completes once the bus accepted every one of them durably; fails when it did not
     *         accept them all (some of them may have been accepted)
     */
    CompletableFuture<Void> publishAll(String topic, List<Event> events);

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

    /**
     * A handler that takes runs of consecutive events at once, for a durable subscriber that
     * stores a run in one transaction (group commit). Subscriptions hand it runs; {@link #handle}
     * is a run of one.
     */
    interface RunHandler extends EventHandler {

        /**
         * Handles the events, in their order. Throwing marks all of them as not handled: a
         * durable subscription delivers them again, together or one by one.
         */
        void handleAll(List<Event> events) throws Exception;

        @Override
        default void handle(String key, byte[] payload) throws Exception {
            handleAll(List.of(new Event(key, payload)));
        }
    }

    /** Stops a subscription. */
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }
}
