package io.chatmesh.chat;

import io.chatmesh.platform.bus.EventBus;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An event bus whose acknowledgements a test can hold back or lose: subscribers get each event
 * at once, but while held the publish completes only when released, like a broker whose ack is
 * still on its way, and a lost ack fails the publish, like a Kafka delivery timeout after the
 * broker wrote the event (the outcome a publisher cannot tell from "not written").
 */
public final class AckGatedEventBus implements EventBus {

    private final EventBus bus;
    private volatile CountDownLatch gate = new CountDownLatch(0);
    private final AtomicInteger acksToLose = new AtomicInteger();

    public AckGatedEventBus(EventBus bus) {
        this.bus = bus;
    }

    /** Publishes from now on complete once the returned latch is counted down. */
    public CountDownLatch holdAcks() {
        CountDownLatch held = new CountDownLatch(1);
        gate = held;
        return held;
    }

    /** The next {@code count} publishes (of one event or many) reach every subscriber and then fail. */
    public void loseAcks(int count) {
        acksToLose.set(count);
    }

    @Override
    public CompletableFuture<Void> publishAll(String topic, List<Event> events) {
        CompletableFuture<Void> published = bus.publishAll(topic, events);
        if (acksToLose.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
            return published.thenCompose(ok -> CompletableFuture.failedFuture(new TimeoutException("ack lost")));
        }
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
