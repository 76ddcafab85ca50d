package io.chatmesh.message.domain;

import java.time.Instant;

/**
 * Something that happened to a stored message after it was posted, as chat-service sequences
 * it in the room (docs/chat.md, "Edits, deletions and reactions"). Applying the same change
 * again, or a room's changes again in their order, leaves the same state: edits and reactions
 * never touch a deleted message, a reaction is a set member per (user, emoji).
 */
public sealed interface MessageChange {

    String roomId();

    String messageId();

    /** The message's text is now {@code text}. */
    record Edited(String roomId, String messageId, String text, Instant editTime) implements MessageChange {}

    /** The message is a tombstone from now on: text, attachments and reactions are removed, its seq stays. */
    record Deleted(String roomId, String messageId, Instant deleteTime) implements MessageChange {}

    /** {@code userId} added (or removed) {@code emoji} on the message. */
    record Reacted(String roomId, String messageId, String userId, String emoji, boolean added, Instant time)
            implements MessageChange {}
}
