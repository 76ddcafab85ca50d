package io.chatmesh.message.domain;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A stored chat message. Optional references ({@code clientId}, {@code replyToId},
 * {@code threadRootId}) and times ({@code editTime}, {@code deleteTime}) are null when absent.
 * Times are kept to the millisecond by every store.
 *
 * @param seq the room cursor: unique and increasing within the room, assigned by chat-service
 * @param threadReplyCount how many messages name this one as their thread root (computed by the store)
 * @param threadLastReplyTime when the newest of those was created; null without replies (computed by the store)
 * @param mentions whom the sender mentioned
 */
public record Message(
        String id,
        String roomId,
        long seq,
        String senderId,
        String clientId,
        String text,
        String replyToId,
        String threadRootId,
        int threadReplyCount,
        Instant threadLastReplyTime,
        List<Attachment> attachments,
        List<ReactionSummary> reactions,
        Instant createTime,
        Instant editTime,
        Instant deleteTime,
        Mentions mentions) {

    public Message {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(roomId, "roomId");
        Objects.requireNonNull(senderId, "senderId");
        Objects.requireNonNull(createTime, "createTime");
        if (seq <= 0) {
            throw new IllegalArgumentException("seq must be positive: " + seq);
        }
        text = text == null ? "" : text;
        attachments = List.copyOf(attachments);
        reactions = List.copyOf(reactions);
        Objects.requireNonNull(mentions, "mentions");
    }

    /** A message as chat-service creates it: no replies, reactions, edit or deletion yet. */
    public static Message created(String id, String roomId, long seq, String senderId, String clientId, String text,
            String replyToId, String threadRootId, List<Attachment> attachments, Instant createTime) {
        return new Message(id, roomId, seq, senderId, clientId, text, replyToId, threadRootId, 0, null,
                attachments, List.of(), createTime, null, null, Mentions.NONE);
    }

    /** This message with other mentions. */
    public Message withMentions(Mentions newMentions) {
        return new Message(id, roomId, seq, senderId, clientId, text, replyToId, threadRootId, threadReplyCount,
                threadLastReplyTime, attachments, reactions, createTime, editTime, deleteTime, newMentions);
    }
}
