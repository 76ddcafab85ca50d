package io.chatmesh.chat.domain;

import java.time.Instant;
import java.util.List;

/**
 * A posted chat message as chat-service knows it (message-service owns everything that
 * happens to it later: edits, reactions, threads).
 *
 * @param replyToId empty when the message quotes nothing
 * @param threadRootId empty for top-level messages
 */
public record Message(String id, String roomId, long seq, String senderId, String clientId, String text,
        String replyToId, String threadRootId, Mentions mentions, Instant createTime, List<Attachment> attachments)
        implements LogEntry {

    public Message {
        attachments = List.copyOf(attachments);
    }

    /** Without attachments. */
    public Message(String id, String roomId, long seq, String senderId, String clientId, String text,
            String replyToId, String threadRootId, Mentions mentions, Instant createTime) {
        this(id, roomId, seq, senderId, clientId, text, replyToId, threadRootId, mentions, createTime, List.of());
    }
}
