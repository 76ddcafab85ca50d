package io.chatmesh.platform.bus;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The embedded default: one JVM, events handed to subscribers synchronously, in the
 * publisher's thread, in publish order per topic. A publish completes only after every
 * group's handler returned, so an ack given after it means the message was persisted.
 * Nothing survives the JVM, which is why production uses Kafka.
 */
public final class InProcessEventBus implements EventBus {

    private final Map<String, List<GroupSubscription>> topics = new ConcurrentHashMap<>();
    private final Map<String, Object> topicLocks = new ConcurrentHashMap<>();

    @Override
    public CompletableFuture<Void> publish(String topic, String key, byte[] payload) {
        List<GroupSubscription> subscriptions = topics.getOrDefault(topic, List.of());
        Exception failure = null;
        // One event at a time per topic keeps every subscriber's view in the same order.
        synchronized (topicLocks.computeIfAbsent(topic, t -> new Object())) {
            for (GroupSubscription subscription : subscriptions) {
                try {
                    subscription.handler.handle(key, payload);
                } catch (Exception e) {
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
        }
        return failure == null ? CompletableFuture.completedFuture(null) : CompletableFuture.failedFuture(failure);
    }

    /**
     * In one JVM every group has one member, so each subscription gets every event; a second
     * subscription in a group that already has one is refused rather than silently duplicated.
     */
    @Override
    public Subscription subscribe(String topic, String group, EventHandler handler) {
        List<GroupSubscription> subscriptions = topics.computeIfAbsent(topic, t -> new CopyOnWriteArrayList<>());
        GroupSubscription subscription = new GroupSubscription(group, handler);
        synchronized (subscriptions) {
            if (subscriptions.stream().anyMatch(s -> s.group.equals(group))) {
                throw new IllegalStateException("group " + group + " already subscribed to " + topic);
            }
            subscriptions.add(subscription);
        }
        return () -> subscriptions.remove(subscription);
    }

    @Override
    public void close() {
        topics.clear();
    }

    private record GroupSubscription(String group, EventHandler handler) {}
}
