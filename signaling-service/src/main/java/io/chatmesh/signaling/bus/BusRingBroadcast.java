package io.chatmesh.signaling.bus;

import io.chatmesh.platform.bus.EventBus;
import io.chatmesh.platform.logging.LogThrottle;
import io.chatmesh.proto.signaling.internal.v1.CallRingChanged;
import io.chatmesh.signaling.api.CallProtos;
import io.chatmesh.signaling.domain.Invitation;
import io.chatmesh.signaling.domain.RingBroadcast;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes ring changes on the call-rings topic (keyed by room id) for chat-service's fan-out,
 * as {@link CallRingChanged}, on the {@link CallBusBridge}'s outbox thread (which keeps their
 * order, and is drained and stopped by the bridge). A change the bus does not take is logged
 * and lost: the chat stream's ringing also ends at expire_time, and WatchCalls stays the
 * complete source.
 */
public final class BusRingBroadcast implements RingBroadcast {

    private static final Logger log = LoggerFactory.getLogger(BusRingBroadcast.class);
    /** While the bus is down, every ring fails to publish, as often as clients call. */
    private static final LogThrottle UNPUBLISHED_LOG = new LogThrottle(Duration.ofSeconds(10));

    private final EventBus bus;
    private final String topic;
    private final Executor outbox;

    /** @param outbox the bridge's outbox (one thread, see {@link CallBusBridge#newOutbox}) */
    public BusRingBroadcast(EventBus bus, String topic, Executor outbox) {
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
            lost(invitation, e); // outbox full, or closed with the bridge
        }
    }

    private Void lost(Invitation invitation, Throwable failure) {
        UNPUBLISHED_LOG.warn(log, "could not publish the change of call {} in room {} for chat streams: {}",
                invitation.callId(), invitation.roomId(), failure.toString());
        return null;
    }
}
