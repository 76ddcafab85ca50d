package io.chatmesh.chat.domain;

import java.util.List;

/**
 * A message to post, as validated by the api layer. Optional ids are empty when absent;
 * attachments are the ones message-service confirmed for this send (in the message's order).
 */
public record NewMessage(String roomId, String clientId, String text, String replyToId, String threadRootId,
        Mentions mentions, List<Attachment> attachments) {

    public NewMessage {
        attachments = List.copyOf(attachments);
    }

    /** Without attachments. */
    public NewMessage(String roomId, String clientId, String text, String replyToId, String threadRootId,
            Mentions mentions) {
        this(roomId, clientId, text, replyToId, threadRootId, mentions, List.of());
    }

    /** The same message carrying these attachments. */
    public NewMessage withAttachments(List<Attachment> claimed) {
        return new NewMessage(roomId, clientId, text, replyToId, threadRootId, mentions, claimed);
    }
}
