package io.chatmesh.chat;

import io.chatmesh.platform.bus.EventBus;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

/**
 * An event bus whose acknowledgements a test can hold back: subscribers get each event at
 * once, but while held the publish completes only when released, like a broker whose ack is
 * still on its way.
 */
public final class AckGatedEventBus implements EventBus {

    private final EventBus bus;
    private volatile CountDownLatch gate = new CountDownLatch(0);

    public AckGatedEventBus(EventBus bus) {
        this.bus = bus;
    }

    /** Publishes from now on complete once the returned latch is counted down. */
    public CountDownLatch holdAcks() {
        CountDownLatch held = new CountDownLatch(1);
        gate = held;
        return held;
    }

    @Override
    public CompletableFuture<Void> publish(String topic, String key, byte[] payload) {
        CompletableFuture<Void> published = bus.publish(topic, key, payload);
        CountDownLatch held = gate;
        if (held.getCount() == 0) {
            return published;
        }
        CompletableFuture<Void> acknowledged = new CompletableFuture<>();
        Thread.startVirtualThread(() -> {
            try {
                held.await();
            } catch (InterruptedException e) {
                acknowledged.completeExceptionally(e);
                return;
            }
            published.whenComplete((ok, failure) -> {
                if (failure != null) {
                    acknowledged.completeExceptionally(failure);
                } else {
                    acknowledged.complete(null);
                }
            });
        });
        return acknowledged;
    }

    @Override
    public Subscription subscribe(String topic, String group, EventHandler handler) {
        return bus.subscribe(topic, group, handler);
    }

    @Override
    public Subscription subscribeLive(String topic, EventHandler handler) {
        return bus.subscribeLive(topic, handler);
    }

    @Override
    public void close() {
        bus.close();
    }
}
