package io.chatmesh.chat.bus;

import io.chatmesh.chat.domain.MessageChange;
import io.chatmesh.platform.time.ApiTimes;
import io.chatmesh.proto.chat.v1.MessageDeleted;
import io.chatmesh.proto.chat.v1.MessageEdited;
import io.chatmesh.proto.chat.v1.ReactionChanged;

/** Changes of messages as the bus and the chat stream carry them. */
public final class ChangeProtos {

    private ChangeProtos() {}

    public static MessageEdited edited(MessageChange.Edited edited) {
        return MessageEdited.newBuilder()
                .setMessage(MessageProtos.toProto(edited.message()).toBuilder()
                        .setEditTime(ApiTimes.timestamp(edited.editTime())))
                .setEventSeq(edited.seq())
                .build();
    }

    public static MessageDeleted deleted(MessageChange.Deleted deleted) {
        return MessageDeleted.newBuilder()
                .setRoomId(deleted.roomId())
                .setMessageId(deleted.messageId())
                .setSeq(deleted.messageSeq())
                .setDeletedBy(deleted.deletedBy())
                .setDeleteTime(ApiTimes.timestamp(deleted.deleteTime()))
                .setEventSeq(deleted.seq())
                .build();
    }

    public static ReactionChanged reacted(MessageChange.Reacted reacted) {
        return ReactionChanged.newBuilder()
                .setRoomId(reacted.roomId())
                .setMessageId(reacted.messageId())
                .setUserId(reacted.userId())
                .setEmoji(reacted.emoji())
                .setAdded(reacted.added())
                .setEventSeq(reacted.seq())
                .setTime(ApiTimes.timestamp(reacted.time()))
                .build();
    }
}
