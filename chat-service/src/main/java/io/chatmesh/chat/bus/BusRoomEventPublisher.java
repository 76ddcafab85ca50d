package io.chatmesh.chat.bus;

import io.chatmesh.chat.domain.MemberRole;
import io.chatmesh.chat.domain.MembershipChange;
import io.chatmesh.chat.domain.Message;
import io.chatmesh.chat.domain.MessageChange;
import io.chatmesh.chat.domain.RoomEventPayload;
import io.chatmesh.chat.domain.RoomEventPublisher;
import io.chatmesh.platform.bus.EventBus;
import io.chatmesh.platform.id.Ids;
import io.chatmesh.platform.time.ApiTimes;
import io.chatmesh.proto.chat.v1.MembershipChanged;
import io.chatmesh.proto.chat.v1.MessageCreated;
import io.chatmesh.proto.chat.internal.v1.RoomEvent;
import io.chatmesh.proto.chat.v1.TypingChanged;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Publishes room events as chatmesh.chat.v1.RoomEvent on the room-events topic, keyed by room id. */
public final class BusRoomEventPublisher implements RoomEventPublisher {

    private final EventBus bus;
    private final Clock clock;
    private final String topic;

    public BusRoomEventPublisher(EventBus bus, Clock clock, String topic) {
        this.bus = bus;
        this.clock = clock;
        this.topic = topic;
    }

    /** Event id = message id and time = the message's time: the same message always makes the same event. */
    @Override
    public RoomEventPayload messageCreated(Message message, long prevSeq) {
        return new RoomEventPayload(message.roomId(), RoomEvent.newBuilder()
                .setEventId(message.id())
                .setRoomId(message.roomId())
                .setTime(ApiTimes.timestamp(message.createTime()))
                .setPrevSeq(prevSeq)
                .setMessageCreated(MessageCreated.newBuilder().setMessage(MessageProtos.toProto(message)))
                .build().toByteArray());
    }

    /** Event id = change id and time = the change's time: the same change always makes the same event. */
    @Override
    public RoomEventPayload changed(MessageChange change, long prevSeq) {
        RoomEvent.Builder event = RoomEvent.newBuilder()
                .setEventId(change.changeId())
                .setRoomId(change.roomId())
                .setPrevSeq(prevSeq);
        switch (change) {
            case MessageChange.Edited edited -> event.setTime(ApiTimes.timestamp(edited.editTime()))
                    .setMessageEdited(ChangeProtos.edited(edited));
            case MessageChange.Deleted deleted -> event.setTime(ApiTimes.timestamp(deleted.deleteTime()))
                    .setMessageDeleted(ChangeProtos.deleted(deleted));
            case MessageChange.Reacted reacted -> event.setTime(ApiTimes.timestamp(reacted.time()))
                    .setReactionChanged(ChangeProtos.reacted(reacted));
        }
        return new RoomEventPayload(change.roomId(), event.build().toByteArray());
    }

    @Override
    public CompletableFuture<Void> publishAll(List<RoomEventPayload> events) {
        try {
            return bus.publishAll(topic, events.stream().map(e -> new EventBus.Event(e.roomId(), e.bytes())).toList());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<Void> membershipChanged(String roomId, String userId, MembershipChange change,
            String actorId, MemberRole role) {
        return publish(event(roomId).setMembershipChanged(MembershipChanged.newBuilder()
                .setRoomId(roomId).setUserId(userId).setChange(toProto(change)).setActorId(actorId)
                .setRole(MessageProtos.toProto(role))));
    }

    @Override
    public CompletableFuture<Void> typingChanged(String roomId, String userId, boolean typing) {
        return publish(event(roomId).setTypingChanged(
                TypingChanged.newBuilder().setRoomId(roomId).setUserId(userId).setTyping(typing)));
    }

    private RoomEvent.Builder event(String roomId) {
        return RoomEvent.newBuilder().setEventId(Ids.newId()).setRoomId(roomId)
                .setTime(ApiTimes.timestamp(clock.instant()));
    }

    private CompletableFuture<Void> publish(RoomEvent.Builder event) {
        return publishAll(List.of(new RoomEventPayload(event.getRoomId(), event.build().toByteArray())));
    }

    private static io.chatmesh.proto.chat.v1.MembershipChange toProto(MembershipChange change) {
        return switch (change) {
            case JOINED -> io.chatmesh.proto.chat.v1.MembershipChange.MEMBERSHIP_CHANGE_JOINED;
            case LEFT -> io.chatmesh.proto.chat.v1.MembershipChange.MEMBERSHIP_CHANGE_LEFT;
            case INVITED -> io.chatmesh.proto.chat.v1.MembershipChange.MEMBERSHIP_CHANGE_INVITED;
            case REMOVED -> io.chatmesh.proto.chat.v1.MembershipChange.MEMBERSHIP_CHANGE_REMOVED;
            case ROLE_CHANGED -> io.chatmesh.proto.chat.v1.MembershipChange.MEMBERSHIP_CHANGE_ROLE_CHANGED;
        };
    }
}
