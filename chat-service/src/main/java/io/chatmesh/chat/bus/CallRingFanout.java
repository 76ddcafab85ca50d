package io.chatmesh.chat.bus;

import com.google.protobuf.InvalidProtocolBufferException;
import io.chatmesh.platform.bus.EventBus;
import io.chatmesh.proto.chat.v1.ServerEvent;
import io.chatmesh.proto.signaling.internal.v1.CallRingChanged;
import io.chatmesh.proto.signaling.v1.Call;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rings on the chat stream: every change of a ring that signaling-service publishes (topic
 * chatmesh.call-rings, {@link CallRingChanged}) goes to this instance's sessions of the caller
 * and of the members rung, as ServerEvent.call_changed, encoded once. Nobody else in the room
 * gets it: signaling-service leaves members across a block with the caller out of the callees,
 * so they never learn of the ring. Live, like the room events: nothing is replayed.
 */
public final class CallRingFanout implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CallRingFanout.class);

    private final EventBus bus;
    private final String topic;
    private final RoomEventFanout sessions;
    private volatile EventBus.Subscription subscription;

    public CallRingFanout(EventBus bus, String topic, RoomEventFanout sessions) {
        this.bus = bus;
        this.topic = topic;
        this.sessions = sessions;
    }

    public void start() {
        subscription = bus.subscribeLive(topic, this::handle);
    }

    @Override
    public void close() {
        EventBus.Subscription current = subscription;
        if (current != null) {
            current.close();
        }
    }

    void handle(String key, byte[] payload) {
        Call call;
        try {
            call = CallRingChanged.parseFrom(payload).getCall();
        } catch (InvalidProtocolBufferException e) {
            log.warn("dropping an unparseable ring change (key {})", key);
            return;
        }
        if (call.getRoomId().isEmpty() || call.getCallerId().isEmpty()) {
            log.warn("dropping a ring change without room or caller (key {})", key);
            return;
        }
        Set<String> told = new HashSet<>(call.getCalleeIdsList());
        told.add(call.getCallerId());
        ServerFrame frame = ServerFrame.of(ServerEvent.newBuilder().setCallChanged(call).build());
        sessions.deliverToUsers(call.getRoomId(), told, new RoomDelivery(call.getRoomId(), 0, 0, frame));
    }
}
