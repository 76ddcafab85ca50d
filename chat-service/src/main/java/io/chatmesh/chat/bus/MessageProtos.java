package io.chatmesh.chat.bus;

import io.chatmesh.chat.domain.Attachment;
import io.chatmesh.chat.domain.MemberRole;
import io.chatmesh.chat.domain.Mentions;
import io.chatmesh.chat.domain.Message;
import io.chatmesh.chat.domain.RoomKind;
import io.chatmesh.platform.time.ApiTimes;

/** Domain ↔ proto for what travels on the bus and is stored as proto (messages, times, enums). */
public final class MessageProtos {

    private MessageProtos() {}

    public static io.chatmesh.proto.message.v1.Message toProto(Message message) {
        io.chatmesh.proto.message.v1.Message.Builder proto = io.chatmesh.proto.message.v1.Message.newBuilder()
                .setId(message.id())
                .setRoomId(message.roomId())
                .setSeq(message.seq())
                .setSenderId(message.senderId())
                .setClientId(message.clientId())
                .setText(message.text())
                .setReplyToId(message.replyToId())
                .setThreadRootId(message.threadRootId())
                .addAllMentionedUserIds(message.mentions().userIds())
                .setMentionRoom(message.mentions().room())
                .setCreateTime(ApiTimes.timestamp(message.createTime()));
        message.attachments().forEach(a -> proto.addAttachments(toProto(a)));
        return proto.build();
    }

    public static io.chatmesh.proto.message.v1.Attachment toProto(Attachment a) {
        return io.chatmesh.proto.message.v1.Attachment.newBuilder()
                .setId(a.id())
                .setFileName(a.fileName())
                .setContentType(a.contentType())
                .setSizeBytes(a.sizeBytes())
                .setSha256(a.sha256())
                .setWidth(a.width())
                .setHeight(a.height())
                .build();
    }

    public static Attachment fromProto(io.chatmesh.proto.message.v1.Attachment a) {
        return new Attachment(a.getId(), a.getFileName(), a.getContentType(), a.getSizeBytes(), a.getSha256(),
                a.getWidth(), a.getHeight());
    }

    public static Message fromProto(io.chatmesh.proto.message.v1.Message message) {
        return new Message(message.getId(), message.getRoomId(), message.getSeq(), message.getSenderId(),
                message.getClientId(), message.getText(), message.getReplyToId(), message.getThreadRootId(),
                new Mentions(message.getMentionedUserIdsList(), message.getMentionRoom()),
                ApiTimes.instant(message.getCreateTime()),
                message.getAttachmentsList().stream().map(MessageProtos::fromProto).toList());
    }

    public static io.chatmesh.proto.room.v1.MemberRole toProto(MemberRole role) {
        if (role == null) {
            return io.chatmesh.proto.room.v1.MemberRole.MEMBER_ROLE_UNSPECIFIED;
        }
        return switch (role) {
            case OWNER -> io.chatmesh.proto.room.v1.MemberRole.MEMBER_ROLE_OWNER;
            case ADMIN -> io.chatmesh.proto.room.v1.MemberRole.MEMBER_ROLE_ADMIN;
            case MEMBER -> io.chatmesh.proto.room.v1.MemberRole.MEMBER_ROLE_MEMBER;
        };
    }

    public static io.chatmesh.proto.room.v1.RoomKind toProto(RoomKind kind) {
        if (kind == null) {
            return io.chatmesh.proto.room.v1.RoomKind.ROOM_KIND_UNSPECIFIED;
        }
        return switch (kind) {
            case PUBLIC -> io.chatmesh.proto.room.v1.RoomKind.ROOM_KIND_PUBLIC;
            case PRIVATE -> io.chatmesh.proto.room.v1.RoomKind.ROOM_KIND_PRIVATE;
            case GROUP -> io.chatmesh.proto.room.v1.RoomKind.ROOM_KIND_GROUP;
            case DIRECT -> io.chatmesh.proto.room.v1.RoomKind.ROOM_KIND_DIRECT;
        };
    }
}
