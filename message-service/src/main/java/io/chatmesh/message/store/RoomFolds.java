package io.chatmesh.message.store;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Jdbi;

/**
 * Keeps the unread counters and the search index off the send path: the persister only notes
 * which rooms got messages or changes, and {@link #fold} (run every fold interval by
 * message-service, on its own thread) takes what those rooms stored since into the counters
 * (docs/message-store.md, "Unread and mention counts") and the search index ("Search"), one
 * transaction for all of them. Until a room is folded, readers and searches take its newest
 * messages and changes into account themselves, so both are exact at any moment; a room whose
 * messages were stored just before a restart is folded when it next gets one.
 */
final class RoomFolds {

    private final Jdbi jdbi;
    private final ReadStateDao readState;
    private final SearchIndexDao searchIndex;
    private final Set<String> touchedRooms = ConcurrentHashMap.newKeySet();

    RoomFolds(Jdbi jdbi, ReadStateDao readState, SearchIndexDao searchIndex) {
        this.jdbi = jdbi;
        this.readState = readState;
        this.searchIndex = searchIndex;
    }

    /** Rooms that got messages or changes. */
    void touched(Collection<String> roomIds) {
        touchedRooms.addAll(roomIds);
    }

    /** Folds the rooms touched since the last fold; if it fails, they stay for the next one. */
    void fold() {
        if (touchedRooms.isEmpty()) {
            return;
        }
        String[] roomIds = touchedRooms.toArray(String[]::new);
        for (String roomId : roomIds) {
            touchedRooms.remove(roomId);
        }
        try {
            jdbi.useTransaction(handle -> {
                readState.createCounters(roomIds);
                readState.foldCounters(roomIds); // locks the rooms' rows for the statements after it
                searchIndex.indexNewMessages(roomIds);
                searchIndex.refreshChangedMessages(roomIds);
            });
        } catch (RuntimeException e) {
            touched(List.of(roomIds));
            throw e;
        }
    }
}
