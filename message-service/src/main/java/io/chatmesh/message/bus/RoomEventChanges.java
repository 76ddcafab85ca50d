package io.chatmesh.message.bus;

import com.google.protobuf.Timestamp;
import io.chatmesh.message.domain.MessageChange;
import io.chatmesh.platform.error.Validation;
import io.chatmesh.proto.chat.internal.v1.RoomEvent;
import io.chatmesh.proto.chat.v1.MessageDeleted;
import io.chatmesh.proto.chat.v1.ReactionChanged;
import java.time.Instant;

/** The stored form of the room events that change a message (edits, deletions, reactions). */
final class RoomEventChanges {

    private RoomEventChanges() {}

    /** INVALID_ARGUMENT when fields it needs are missing. */
    static MessageChange toDomain(RoomEvent event) {
        Validation validation = new Validation().id("room_id", event.getRoomId());
        MessageChange change = switch (event.getEventCase()) {
            case MESSAGE_EDITED -> {
                io.chatmesh.proto.message.v1.Message m = event.getMessageEdited().getMessage();
                validation.id("message.id", m.getId()).require(m.hasEditTime(), "message.edit_time", "is required");
                yield new MessageChange.Edited(event.getRoomId(), m.getId(), m.getText(), instant(m.getEditTime()));
            }
            case MESSAGE_DELETED -> {
                MessageDeleted d = event.getMessageDeleted();
                validation.id("message_id", d.getMessageId()).require(d.hasDeleteTime(), "delete_time", "is required");
                yield new MessageChange.Deleted(event.getRoomId(), d.getMessageId(), instant(d.getDeleteTime()));
            }
            case REACTION_CHANGED -> {
                ReactionChanged r = event.getReactionChanged();
                validation.id("message_id", r.getMessageId()).id("user_id", r.getUserId())
                        .length("emoji", r.getEmoji(), 1, 64);
                yield new MessageChange.Reacted(event.getRoomId(), r.getMessageId(), r.getUserId(), r.getEmoji(),
                        r.getAdded(), instant(r.hasTime() ? r.getTime() : event.getTime()));
            }
            default -> throw new IllegalArgumentException("not a message change: " + event.getEventCase());
        };
        validation.check();
        return change;
    }

    private static Instant instant(Timestamp time) {
        return Instant.ofEpochSecond(time.getSeconds(), time.getNanos());
    }
}
