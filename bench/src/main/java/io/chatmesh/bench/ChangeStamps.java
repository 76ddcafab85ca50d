package io.chatmesh.bench;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who made a deletion or reaction and when it was due, for the streams that receive it:
 * unlike an edit (whose new text carries a {@link MessageText} stamp) these events carry no
 * text of the bench's, so the sender files the stamp under what the event will name before
 * sending. Senders that change messages file their acked messages too: a resume replays a
 * message in its current state, and an edited or deleted one no longer has its own stamp. {@link ChangeMix} makes each key unique: a message is deleted once, and a user adds
 * a given emoji to a message at most once and removes it at most once. Entries stay for the
 * run (a few tens of bytes per change).
 */
final class ChangeStamps {

    /** The sender's number, the change's number in the change ledger, and when it was due (System.nanoTime). */
    record Stamp(int sender, long n, long nanos) {}

    private final Map<String, Stamp> stamps = new ConcurrentHashMap<>();

    /** The sender's message with this id was acked: how to recognize it when a resume replays it edited or deleted. */
    void posted(String messageId, Stamp stamp) {
        stamps.put(postingKey(messageId), stamp);
    }

    /** The stamp of this acked message, or null when the bench did not file one. */
    Stamp posted(String messageId) {
        return stamps.get(postingKey(messageId));
    }

    void deleting(String messageId, Stamp stamp) {
        stamps.put(deletionKey(messageId), stamp);
    }

    void reacting(String messageId, String userId, String emoji, boolean added, Stamp stamp) {
        stamps.put(reactionKey(messageId, userId, emoji, added), stamp);
    }

    /** The stamp of the deletion of this message, or null when the bench did not file one. */
    Stamp deleted(String messageId) {
        return stamps.get(deletionKey(messageId));
    }

    /** The stamp of this reaction change, or null when the bench did not file one. */
    Stamp reacted(String messageId, String userId, String emoji, boolean added) {
        return stamps.get(reactionKey(messageId, userId, emoji, added));
    }

    private static String postingKey(String messageId) {
        return "posted " + messageId;
    }

    private static String deletionKey(String messageId) {
        return "deleted " + messageId;
    }

    private static String reactionKey(String messageId, String userId, String emoji, boolean added) {
        return (added ? "added " : "removed ") + messageId + ' ' + userId + ' ' + emoji;
    }
}
