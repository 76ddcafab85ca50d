package io.chatmesh.message.domain;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/** Reading a room's history and moving read markers, over a {@link MessageStore}. */
public final class MessageHistory {

    public static final int DEFAULT_PAGE_SIZE = 50;
    public static final int MAX_PAGE_SIZE = 200;
    public static final int DEFAULT_SEARCH_PAGE_SIZE = 20;
    /** Smaller than history pages: every search page costs an index search over many rooms. */
    public static final int MAX_SEARCH_PAGE_SIZE = 100;
    /** Longest search query, in characters. */
    public static final int MAX_QUERY_LENGTH = 256;

    /**
     * One page.
     *
     * @param nextCursor where the next page in the same direction starts; empty when nothing
     *        more is stored in that direction
     */
    public record Page(List<Message> messages, OptionalLong nextCursor) {

        public Page {
            messages = List.copyOf(messages);
        }
    }

    /**
     * One page of search results.
     *
     * @param next where the next page starts; empty when nothing more matches
     */
    public record SearchPage(List<Message> messages, Optional<MessageSearch.SearchCursor> next) {

        public SearchPage {
            messages = List.copyOf(messages);
        }
    }

    private final MessageStore store;

    public MessageHistory(MessageStore store) {
        this.store = Objects.requireNonNull(store);
    }

    /** A page of the room; the main timeline only unless {@code withThreadReplies}. */
    public Page page(String roomId, PageDirection direction, long fromSeq, int pageSize, boolean withThreadReplies) {
        checkPage(fromSeq, pageSize);
        // One extra row tells whether another page exists without a second query.
        return seqPage(store.page(roomId, direction, fromSeq, pageSize + 1, withThreadReplies), pageSize);
    }

    /** A page of the replies to {@code root} (in its room), oldest first, after the seq {@code afterSeq}. */
    public Page thread(Message root, long afterSeq, int pageSize) {
        checkPage(afterSeq, pageSize);
        return seqPage(store.threadPage(root.roomId(), root.id(), afterSeq, pageSize + 1), pageSize);
    }

    /** A page of messages matching the search, newest first. */
    public SearchPage search(MessageSearch search, int pageSize) {
        if (pageSize < 1 || pageSize > MAX_SEARCH_PAGE_SIZE) {
            throw new IllegalArgumentException("page size out of range: " + pageSize);
        }
        if (search.roomIds().isEmpty()) {
            return new SearchPage(List.of(), Optional.empty());
        }
        List<Message> rows = store.search(search, pageSize + 1);
        if (rows.size() <= pageSize) {
            return new SearchPage(rows, Optional.empty());
        }
        List<Message> page = rows.subList(0, pageSize);
        return new SearchPage(page, Optional.of(MessageSearch.SearchCursor.of(page.getLast())));
    }

    private static void checkPage(long fromSeq, int pageSize) {
        if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
            throw new IllegalArgumentException("page size out of range: " + pageSize);
        }
        if (fromSeq < 0) {
            throw new IllegalArgumentException("negative cursor: " + fromSeq);
        }
    }

    private static Page seqPage(List<Message> rows, int pageSize) {
        if (rows.size() <= pageSize) {
            return new Page(rows, OptionalLong.empty());
        }
        List<Message> page = rows.subList(0, pageSize);
        return new Page(page, OptionalLong.of(page.getLast().seq()));
    }

    public Optional<Message> get(String messageId) {
        return store.get(messageId);
    }

    /**
     * Moves the user's marker forward to {@code seq}, or to the room's newest stored message if
     * that is lower (a marker never points past the messages there are), never back.
     *
     * @return the room's read state afterwards, and whether the marker now stands where this
     *         call asked it to (it moved, or an earlier call with the same seq moved it)
     */
    public MarkedRead markRead(String roomId, String userId, long seq) {
        if (seq < 0) {
            throw new IllegalArgumentException("negative seq: " + seq);
        }
        long newest = store.unread(userId, List.of(roomId)).getFirst().lastMessageSeq();
        long target = Math.min(seq, newest);
        if (target > 0) {
            store.markRead(roomId, userId, target);
        }
        RoomUnread after = store.unread(userId, List.of(roomId)).getFirst();
        return new MarkedRead(after, target > 0 && after.lastReadSeq() == target);
    }

    /** What {@link #markRead} did. */
    public record MarkedRead(RoomUnread room, boolean atRequestedSeq) {}

    /** Read state in each room, once per distinct room, in first-seen order. */
    public List<RoomUnread> unread(String userId, List<String> roomIds) {
        List<String> distinct = roomIds.stream().distinct().toList();
        return distinct.isEmpty() ? List.of() : store.unread(userId, distinct);
    }
}
