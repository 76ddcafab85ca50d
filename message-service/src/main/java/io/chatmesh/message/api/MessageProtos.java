package io.chatmesh.message.api;

import io.chatmesh.message.domain.Attachment;
import io.chatmesh.message.domain.Message;
import io.chatmesh.message.domain.ReactionSummary;
import io.chatmesh.message.domain.RoomUnread;
import io.chatmesh.platform.time.ApiTimes;

/** Domain → chatmesh.message.v1 messages. */
final class MessageProtos {

    private MessageProtos() {}

    /** The message as {@code callerId} sees it: the client_id is the sender's idempotency key, shown to the sender only. */
    static io.chatmesh.proto.message.v1.Message toProto(Message m, String callerId) {
        io.chatmesh.proto.message.v1.Message.Builder proto = io.chatmesh.proto.message.v1.Message.newBuilder()
                .setId(m.id())
                .setRoomId(m.roomId())
                .setSeq(m.seq())
                .setSenderId(m.senderId())
                .setClientId(m.senderId().equals(callerId) ? nullToEmpty(m.clientId()) : "")
                .setText(m.text())
                .setReplyToId(nullToEmpty(m.replyToId()))
                .setThreadRootId(nullToEmpty(m.threadRootId()))
                .setThreadReplyCount(m.threadReplyCount())
                .addAllMentionedUserIds(m.mentions().userIds())
                .setMentionRoom(m.mentions().room())
                .setCreateTime(ApiTimes.timestamp(m.createTime()));
        m.attachments().forEach(a -> proto.addAttachments(toProto(a)));
        m.reactions().forEach(r -> proto.addReactions(toProto(r)));
        if (m.editTime() != null) {
            proto.setEditTime(ApiTimes.timestamp(m.editTime()));
        }
        if (m.deleteTime() != null) {
            proto.setDeleteTime(ApiTimes.timestamp(m.deleteTime()));
        }
        if (m.threadLastReplyTime() != null) {
            proto.setThreadLastReplyTime(ApiTimes.timestamp(m.threadLastReplyTime()));
        }
        return proto.build();
    }

    static io.chatmesh.proto.message.v1.RoomUnread toProto(RoomUnread unread) {
        return io.chatmesh.proto.message.v1.RoomUnread.newBuilder()
                .setRoomId(unread.roomId())
                .setUnreadCount(unread.unreadCount())
                .setLastReadSeq(unread.lastReadSeq())
                .setLastMessageSeq(unread.lastMessageSeq())
                .setMentionCount(unread.mentionCount())
                .build();
    }

    static io.chatmesh.proto.message.v1.Attachment toProto(Attachment a) {
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

    private static io.chatmesh.proto.message.v1.ReactionSummary toProto(ReactionSummary r) {
        return io.chatmesh.proto.message.v1.ReactionSummary.newBuilder()
                .setEmoji(r.emoji())
                .setCount(r.count())
                .addAllSampleUserIds(r.sampleUserIds())
                .build();
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }
}
