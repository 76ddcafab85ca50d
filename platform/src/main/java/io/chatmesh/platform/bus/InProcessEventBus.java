package io.chatmesh.platform.bus;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default: one JVM, events handed to subscribers synchronously, in the
 * publisher's thread, in publish order per topic. Durable subscribers (persistence) run
 * first; only when all of them accepted the event do live subscribers (fan-out to
 * connected clients) see it, and only then does the publish complete. So a client never
 * sees a message live whose send failed, and an ack given after the publish means the
 * message was persisted. Nothing survives the JVM, which is why production uses Kafka.
 */
public final class InProcessEventBus implements EventBus {

    private static final Logger log = LoggerFactory.getLogger(InProcessEventBus.class);

    private final Map<String, Topic> topics = new ConcurrentHashMap<>();

    private record Durable(String group, EventHandler handler) {}

    /** The subscribers of one topic; its monitor orders publishes. */
    private static final class Topic {
        final List<Durable> durable = new CopyOnWriteArrayList<>();
        final List<EventHandler> live = new CopyOnWriteArrayList<>();
    }

    @Override
    public CompletableFuture<Void> publish(String topic, String key, byte[] payload) {
        Topic subscribers = topics.get(topic);
        if (subscribers == null) {
            return CompletableFuture.completedFuture(null);
        }
        // One event at a time per topic keeps every subscriber's view in the same order.
        synchronized (subscribers) {
            for (Durable subscription : subscribers.durable) {
                try {
                    subscription.handler.handle(key, payload);
                } catch (Exception e) {
                    return CompletableFuture.failedFuture(e);
                }
            }
            for (EventHandler handler : subscribers.live) {
                try {
                    handler.handle(key, payload);
                } catch (Exception e) {
                    // A live subscriber's trouble is its own; the event is accepted.
                    log.warn("live subscriber of {} failed on an event", topic, e);
                }
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    /**
     * In one JVM every group has one member, so each subscription gets every event; a second
     * subscription in a group that already has one is refused rather than silently duplicated.
     * A durable subscriber that throws fails the publish (the event was not accepted).
     */
    @Override
    public Subscription subscribe(String topic, String group, EventHandler handler) {
        Topic subscribers = topic(topic);
        Durable subscription = new Durable(group, handler);
        synchronized (subscribers) {
            if (subscribers.durable.stream().anyMatch(s -> s.group.equals(group))) {
                throw new IllegalStateException("group " + group + " already subscribed to " + topic);
            }
            subscribers.durable.add(subscription);
        }
        return () -> subscribers.durable.remove(subscription);
    }

    @Override
    public Subscription subscribeLive(String topic, EventHandler handler) {
        Topic subscribers = topic(topic);
        subscribers.live.add(handler);
        return () -> subscribers.live.remove(handler);
    }

    @Override
    public void close() {
        topics.clear();
    }

    private Topic topic(String name) {
        return topics.computeIfAbsent(name, t -> new Topic());
    }
}
