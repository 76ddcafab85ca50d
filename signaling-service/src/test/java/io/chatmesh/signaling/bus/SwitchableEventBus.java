package io.chatmesh.signaling.bus;

import io.chatmesh.platform.bus.EventBus;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Passes everything on to a shared bus, except that its publishes can be made to fail (broker unreachable). */
public final class SwitchableEventBus implements EventBus {

    private final EventBus delegate;
    private volatile boolean failing;

    public SwitchableEventBus(EventBus delegate) {
        this.delegate = delegate;
    }

    public void failPublishes(boolean fail) {
        failing = fail;
    }

    @Override
    public CompletableFuture<Void> publishAll(String topic, List<Event> events) {
        if (failing) {
            return CompletableFuture.failedFuture(new IllegalStateException("bus unreachable (test)"));
        }
        return delegate.publishAll(topic, events);
    }

    @Override
    public Subscription subscribe(String topic, String group, EventHandler handler) {
        return delegate.subscribe(topic, group, handler);
    }

    /** The delegate is shared: whoever made it closes it. */
    @Override
    public void close() {}
}
