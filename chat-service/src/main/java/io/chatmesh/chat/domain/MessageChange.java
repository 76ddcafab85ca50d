package io.chatmesh.chat.domain;

import java.time.Instant;

/**
 * A logged change of a message, under its own seq in the room's sequence (after the message it
 * changes): published like messages, in seq order, and replayed by a resume.
 */
public sealed interface MessageChange extends LogEntry {

    /** Unique per change; the bus event's id. */
    String changeId();

    String messageId();

    /**
     * The message's text was replaced.
     *
     * @param message the message as it now is (its own seq, the new text)
     */
    record Edited(String changeId, long seq, Message message, Instant editTime) implements MessageChange {

        @Override
        public String roomId() {
            return message.roomId();
        }

        @Override
        public String messageId() {
            return message.id();
        }
    }

    /**
     * The message was deleted by {@code deletedBy} (its sender, or an owner or admin of the room).
     *
     * @param messageSeq the deleted message's seq (its tombstone keeps it)
     */
    record Deleted(String changeId, long seq, String roomId, String messageId, long messageSeq, String deletedBy,
            Instant deleteTime) implements MessageChange {}

    /** {@code userId} added ({@code added}) or removed the emoji. */
    record Reacted(String changeId, long seq, String roomId, String messageId, String userId, String emoji,
            boolean added, Instant time) implements MessageChange {}
}
