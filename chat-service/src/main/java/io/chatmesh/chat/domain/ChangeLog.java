package io.chatmesh.chat.domain;

import java.time.Instant;
import java.util.List;

/**
 * Port: the changes of messages in chat-service's room log (PostgreSQL). A change takes the
 * room's next seq under the same room lock as a message ({@link MessageLog#append}), so
 * messages and changes share one sequence; the {@link RoomRelay} publishes both.
 */
public interface ChangeLog {

    enum Kind { EDIT, DELETE, REACT }

    /**
     * A change asked for by {@code actorId}, with the id and time it gets if it is logged.
     *
     * @param text the new text (EDIT), else empty
     * @param emoji the emoji (REACT), else empty
     * @param remove REACT only: remove instead of add
     */
    record Request(Kind kind, String actorId, String roomId, String messageId, String text, String emoji,
            boolean remove, String changeId, Instant time) {}

    /** What {@link #append} did with one request. */
    sealed interface Outcome {

        /** Logged under its seq. */
        record Logged(MessageChange change) implements Outcome {}

        /** Nothing logged: the actor is not a member (of a PUBLIC room, or of a hidden or unknown one). */
        record NotMember(boolean publicRoom) implements Outcome {}

        /** Nothing logged: no message of the room has this id. */
        record NoSuchMessage() implements Outcome {}

        /** Nothing logged: the actor may not do this to the message (edit: not the sender; delete: nor an admin). */
        record NotAllowed() implements Outcome {}

        /** Nothing logged: the message is deleted. */
        record AlreadyDeleted() implements Outcome {}
    }

    /**
     * Logs the requests in one transaction, in order (a deletion is seen by the requests after
     * it); a deletion also removes the message's text from the log, and the text of its
     * earlier edits.
     *
     * @return one outcome per request, in the same order
     */
    List<Outcome> append(List<Request> requests);

    /** The room's logged changes with seqs in (afterSeq, upToSeq], in seq order, at most {@code limit}. */
    List<MessageChange> changes(String roomId, long afterSeq, long upToSeq, int limit);

    /** The seq of the room's newest logged message (not change) at or below {@code upToSeq}; 0 when none. */
    long newestMessageSeq(String roomId, long upToSeq);
}
