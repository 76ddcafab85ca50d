package io.chatmesh.signaling.bus;

import io.chatmesh.platform.bus.EventBus;
import io.chatmesh.proto.signaling.internal.v1.CallRingChanged;
import io.chatmesh.signaling.api.CallProtos;
import io.chatmesh.signaling.domain.Invitation;
import io.chatmesh.signaling.domain.RingBroadcast;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes ring changes on the call-rings topic (keyed by room id) for chat-service's fan-out,
 * as {@link CallRingChanged}. One publishing thread keeps the order of the changes; a change the
 * bus does not take is logged and lost (the chat stream's ringing also ends at expire_time, and
 * WatchCalls stays the complete source).
 */
public final class BusRingBroadcast implements RingBroadcast, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BusRingBroadcast.class);
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(5);

    private final EventBus bus;
    private final String topic;
    private final ExecutorService outbox;

    /** @param outbox runs the publishes in order (one thread, see {@link CallBusBridge#newOutbox}) */
    public BusRingBroadcast(EventBus bus, String topic, ExecutorService outbox) {
        this.bus = bus;
        this.topic = topic;
        this.outbox = outbox;
    }

    @Override
    public void changed(Invitation invitation) {
        byte[] payload = CallRingChanged.newBuilder().setCall(CallProtos.call(invitation)).build().toByteArray();
        try {
            outbox.execute(() -> {
                try {
                    bus.publish(topic, invitation.roomId(), payload).exceptionally(failure -> lost(invitation, failure));
                } catch (RuntimeException e) {
                    lost(invitation, e);
                }
            });
        } catch (RejectedExecutionException e) {
            lost(invitation, e);
        }
    }

    /** Publishes what is still queued, for at most a few seconds. */
    @Override
    public void close() {
        outbox.shutdown();
        try {
            if (!outbox.awaitTermination(DRAIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                outbox.shutdownNow();
            }
        } catch (InterruptedException e) {
            outbox.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    private Void lost(Invitation invitation, Throwable failure) {
        log.warn("could not publish the change of call {} in room {} for chat streams: {}", invitation.callId(),
                invitation.roomId(), failure.toString());
        return null;
    }
}
