package io.chatmesh.message.bus;

import io.chatmesh.platform.bus.EventBus;
import io.chatmesh.platform.id.Ids;
import io.chatmesh.platform.time.ApiTimes;
import io.chatmesh.proto.chat.v1.ReceiptUpdated;
import io.chatmesh.proto.chat.internal.v1.RoomEvent;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;

/** Publishes the room events message-service originates (receipts from MarkRead). */
public final class RoomEventPublisher {

    private final EventBus bus;
    private final Clock clock;
    private final String topic;

    public RoomEventPublisher(EventBus bus, Clock clock, String topic) {
        this.bus = bus;
        this.clock = clock;
        this.topic = topic;
    }

    /** Tells live sessions (through chat-service) that a member's read marker is now {@code lastReadSeq}. */
    public CompletableFuture<Void> receiptUpdated(String roomId, String userId, long lastReadSeq) {
        RoomEvent event = RoomEvent.newBuilder()
                .setEventId(Ids.newId())
                .setRoomId(roomId)
                .setTime(ApiTimes.timestamp(clock.instant()))
                .setReceiptUpdated(ReceiptUpdated.newBuilder()
                        .setRoomId(roomId).setUserId(userId).setLastReadSeq(lastReadSeq))
                .build();
        return bus.publish(topic, roomId, event.toByteArray());
    }
}
