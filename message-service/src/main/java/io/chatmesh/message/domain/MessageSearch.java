package io.chatmesh.message.domain;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One search of {@link MessageStore#search}: the text, the rooms it may look in (only rooms the
 * caller is a member of), and where the previous page ended.
 *
 * @param after the last message of the previous page (its create time and id), or null for the first page
 */
public record MessageSearch(String query, List<String> roomIds, SearchCursor after) {

    /** A position in newest-first order: messages older than this, or as old with a smaller id, come next. */
    public record SearchCursor(Instant createTime, String messageId) {

        public SearchCursor {
            Objects.requireNonNull(createTime, "createTime");
            Objects.requireNonNull(messageId, "messageId");
        }

        static SearchCursor of(Message message) {
            return new SearchCursor(message.createTime(), message.id());
        }
    }

    public MessageSearch {
        Objects.requireNonNull(query, "query");
        if (query.isBlank()) {
            throw new IllegalArgumentException("blank query");
        }
        roomIds = List.copyOf(roomIds);
    }
}
