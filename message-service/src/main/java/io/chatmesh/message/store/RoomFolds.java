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
 *
 * <p>The fold's INSERTs only add to the search index's pending list (GIN's fastupdate); once
 * {@link #MERGE_AFTER_ROWS} rows were added since the last merge, the fold merges the list into
 * the index itself, after its transaction (docs/send-path.md, "Search indexing"). Left to
 * autovacuum, the merges needed a visit of each database every 2 s to keep the list short at
 * high rates, and starting those workers cost PostgreSQL a few percent of a core even when idle.
 */
final class RoomFolds {

    /**
     * Search rows added between two merges. The list then holds at most this many rows plus one
     * fold's worth, well inside its 32 MB limit (V42) at the rates the embedded launcher takes,
     * so a fold's INSERT does not have to merge it itself (inside the fold's transaction); and
     * each merge is big enough to take many rows per index key at once.
     */
    static final int MERGE_AFTER_ROWS = 4_000;

    private final Jdbi jdbi;
    private final ReadStateDao readState;
    private final SearchIndexDao searchIndex;
    private final Set<String> touchedRooms = ConcurrentHashMap.newKeySet();
    /**
     * Search rows added since the pending list was last merged. It starts full: what an earlier
     * process left in the list is not known, so the first fold after a start merges it, and the
     * list stays bounded however often message-service restarts (autovacuum visits the table only
     * once a fifth of it is new, V45).
     */
    private int rowsSinceMerge = MERGE_AFTER_ROWS;

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
    synchronized void fold() {
        if (touchedRooms.isEmpty()) {
            return;
        }
        String[] roomIds = touchedRooms.toArray(String[]::new);
        for (String roomId : roomIds) {
            touchedRooms.remove(roomId);
        }
        try {
            rowsSinceMerge += jdbi.inTransaction(handle -> {
                readState.createCounters(roomIds);
                readState.foldCounters(roomIds); // locks the rooms' rows for the statements after it
                int added = searchIndex.indexNewMessages(roomIds);
                searchIndex.refreshChangedMessages(roomIds);
                return added;
            });
        } catch (RuntimeException e) {
            touched(List.of(roomIds));
            throw e;
        }
        if (rowsSinceMerge >= MERGE_AFTER_ROWS) {
            searchIndex.mergePendingEntries();
            rowsSinceMerge = 0;
        }
    }
}
