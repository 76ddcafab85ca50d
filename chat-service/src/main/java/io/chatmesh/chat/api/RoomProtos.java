package io.chatmesh.chat.api;

import io.chatmesh.chat.bus.MessageProtos;
import io.chatmesh.chat.domain.Member;
import io.chatmesh.chat.domain.Room;
import io.chatmesh.chat.domain.RoomKind;
import io.chatmesh.platform.time.ApiTimes;

/** Rooms and members, domain → proto (chatmesh.room.v1). */
final class RoomProtos {

    private RoomProtos() {}

    static io.chatmesh.proto.room.v1.Room toProto(Room room) {
        return io.chatmesh.proto.room.v1.Room.newBuilder()
                .setId(room.id())
                .setKind(MessageProtos.toProto(room.kind()))
                .setName(room.name())
                .setTopic(room.topic())
                .setOwnerId(room.ownerId() == null ? "" : room.ownerId())
                .setMemberCount(room.memberCount())
                .setLastMessageSeq(room.lastMessageSeq())
                .setCreateTime(ApiTimes.timestamp(room.createTime()))
                .setUpdateTime(ApiTimes.timestamp(room.updateTime()))
                .addAllDirectUserIds(room.directUserIds())
                .build();
    }

    static io.chatmesh.proto.room.v1.Member toProto(Member member) {
        return io.chatmesh.proto.room.v1.Member.newBuilder()
                .setRoomId(member.roomId())
                .setUserId(member.userId())
                .setRole(MessageProtos.toProto(member.role()))
                .setJoinTime(ApiTimes.timestamp(member.joinTime()))
                .build();
    }

    /** The kinds CreateRoom accepts; null for anything else. */
    static RoomKind creatableKind(io.chatmesh.proto.room.v1.RoomKind kind) {
        return switch (kind) {
            case ROOM_KIND_PUBLIC -> RoomKind.PUBLIC;
            case ROOM_KIND_PRIVATE -> RoomKind.PRIVATE;
            case ROOM_KIND_GROUP -> RoomKind.GROUP;
            default -> null;
        };
    }
}
