package io.chatmesh.chat.domain;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Port: chat-service's durable log of posted messages (PostgreSQL). Per room it keeps a seq
 * counter, every posted message under its seq and its sender's client_id, and how far the
 * room's messages have been published on the bus ({@code last_message_seq}): every message up
 * to there was published, every later one not yet (or not known to be).
 */
public interface MessageLog {

    /** A message to post, with the id and time it gets if it is new. */
    record Post(String senderId, NewMessage message, String messageId, Instant createTime) {

        /** The message as posted under {@code seq}. */
        public Message withSeq(long seq) {
            return new Message(messageId, message.roomId(), seq, senderId, message.clientId(), message.text(),
                    message.replyToId(), message.threadRootId(), message.mentions(), createTime,
                    message.attachments());
        }
    }

    /** What {@link #append} did with one post. */
    sealed interface Appended {

        /** Logged under the next seq of its room. */
        record Logged(long seq) implements Appended {}

        /** The sender posted this client_id before: that message, whatever this post says. */
        record Earlier(Message message) implements Appended {}

        /**
         * Nothing logged: the sender is not a member of the room, which is PUBLIC or else
         * unknown or hidden from the sender ({@link io.chatmesh.platform.error.ChatmeshException#outsideRoom}).
         */
        record NotMember(boolean publicRoom) implements Appended {}

        /**
         * Nothing logged: {@code field} (reply_to_id or thread_root_id) names no logged message
         * of the post's room.
         */
        record BadReference(String field) implements Appended {}

        /** Nothing logged: a mentioned user is not a member of the post's room. */
        record MentionOutsideRoom() implements Appended {}

        /** Nothing logged: the post mentions the whole room, and its sender is neither owner nor admin. */
        record RoomMentionNotAllowed() implements Appended {}

        /**
         * Nothing logged: another transaction logged the sender's client_id at the same moment
         * (its seq was spent); {@link #find} has its message now.
         */
        record Raced() implements Appended {}
    }

    /**
     * Logs the posts in one durable step (committed when this returns): each new post of a
     * member gets its room's next seq, in the order given, so a room's posts in one call get
     * consecutive seqs. A room's counter and log are locked while this runs, so its seqs are
     * taken in commit order by every instance.
     *
     * @return one outcome per post, in the same order
     */
    List<Appended> append(List<Post> posts);

    /** The message the sender posted with this client_id, if any. */
    Optional<Message> find(String senderId, String clientId);

    /**
     * Runs {@code work} in one transaction that holds the rooms' locks (the ones {@link #append}
     * takes), so that one relay at a time, on any instance, publishes a room's messages.
     */
    <T> T relay(Collection<String> roomIds, RelayWork<T> work);

    /** Rooms with logged messages not published yet (after a failed publish, or a crash). */
    List<String> roomsWithUnpublishedMessages();

    /** What a relay may do with the rooms it holds. */
    interface RelayTransaction {

        /** Each room's last published seq (0 when none; rooms that do not exist are left out). */
        Map<String, Long> publishedSeqs();

        /**
         * The room's log entries (messages and their changes) with seqs in (afterSeq, upToSeq], in
         * seq order, at most {@code limit}.
         */
        List<LogEntry> logged(String roomId, long afterSeq, long upToSeq, int limit);

        /** Records that the room's messages up to {@code seq} are published. */
        void markPublished(Map<String, Long> seqByRoom);
    }

    @FunctionalInterface
    interface RelayWork<T> {
        T run(RelayTransaction transaction);
    }
}
