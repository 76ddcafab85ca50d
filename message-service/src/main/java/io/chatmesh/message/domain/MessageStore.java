package io.chatmesh.message.domain;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where messages and read markers live. Storage-neutral: the SQL adapter and the MongoDB
 * adapter pass the same contract suite. Seqs are positive, so 0 is free to mean "the edge of
 * the room" as a cursor and "nothing read" as a read marker.
 */
public interface MessageStore {

    /** What {@link #insert} did. */
    enum InsertOutcome {
        /** The message is stored now. */
        INSERTED,
        /** A message with this id was already stored (a replayed event); nothing changed. */
        DUPLICATE,
        /** Another message already holds this seq in the room; nothing changed. */
        SEQ_TAKEN
    }

    /**
     * Stores new messages with their attachments, all at once (one transaction or one bulk
     * write), idempotently by message id: the first write of an id wins and later ones change
     * nothing.
     *
     * @return each message's outcome, in the given order
     */
    List<InsertOutcome> insertAll(List<Message> messages);

    /** {@link #insertAll} of one message. */
    default InsertOutcome insert(Message message) {
        return insertAll(List.of(message)).getFirst();
    }

    /**
     * Applies changes in the given order (a run of one room's events, or several rooms'), each
     * to the message of its room named by id; a change to a message that is not stored, or
     * (edits, reactions) that is deleted, changes nothing. Replaying changes in their order
     * ends in the same state.
     */
    void applyChanges(List<MessageChange> changes);

    /**
     * A run of room events as the persister gets it: its new messages ({@link #insertAll}), then
     * its changes ({@link #applyChanges}), as one unit where the store can make it one (one
     * transaction, one commit, on PostgreSQL).
     *
     * @return each message's outcome, in the given order
     */
    default List<InsertOutcome> storeRun(List<Message> messages, List<MessageChange> changes) {
        List<InsertOutcome> outcomes = insertAll(messages);
        applyChanges(changes);
        return outcomes;
    }

    Optional<Message> get(String messageId);

    /**
     * Up to {@code limit} messages of a room next to an exclusive cursor, in the direction's
     * order: FORWARD gives seqs above {@code fromSeq} ascending, BACKWARD seqs below it
     * descending. {@code fromSeq} 0 starts at the room's first (FORWARD) or newest (BACKWARD)
     * message. Without {@code withThreadReplies} only the main timeline: messages without a
     * thread root.
     */
    List<Message> page(String roomId, PageDirection direction, long fromSeq, int limit, boolean withThreadReplies);

    /**
     * Up to {@code limit} replies of the thread rooted at {@code rootId} in {@code roomId}, seqs
     * above {@code afterSeq} ascending (0: from the first reply).
     */
    List<Message> threadPage(String roomId, String rootId, long afterSeq, int limit);

    /**
     * Up to {@code limit} messages of the given rooms matching {@code search}'s text, newest
     * first (create time, then id, both descending), strictly after {@code search}'s cursor in
     * that order. Deleted messages never match.
     */
    List<Message> search(MessageSearch search, int limit);

    /**
     * Moves a user's read marker to {@code seq} unless it is already there or further; never
     * past the room's newest stored message (the store counts unread messages from the
     * marker, so a marker must never stand ahead of messages still to come).
     *
     * @return the marker afterwards
     */
    long markRead(String roomId, String userId, long seq);

    /**
     * Read state of {@code userId} in each of the given (distinct) rooms, in their order. Its
     * cost does not grow with the size of the rooms nor with the number of unread messages
     * (only with the number of unread mentions of the user).
     */
    List<RoomUnread> unread(String userId, List<String> roomIds);

    /** The newest seq of each given room; 0 for rooms without stored messages. */
    Map<String, Long> lastSeqs(Collection<String> roomIds);
}
