package io.chatmesh.message.store;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Jdbi;

/**
 * Keeps the unread counters off the send path: the persister only notes which rooms got
 * messages, and {@link #fold} (run every fold interval by message-service, on its own thread)
 * adds what those rooms stored since to the counters, one transaction for all of them
 * (docs/message-store.md, "Unread and mention counts"). Until a room is folded, readers count
 * its newest messages themselves, so counts are exact at any moment; a room whose messages were
 * stored just before a restart is folded when it next gets one.
 */
final class UnreadCounterFolds {

    private final Jdbi jdbi;
    private final ReadStateDao readState;
    private final Set<String> touchedRooms = ConcurrentHashMap.newKeySet();

    UnreadCounterFolds(Jdbi jdbi, ReadStateDao readState) {
        this.jdbi = jdbi;
        this.readState = readState;
    }

    /** Rooms that got messages. */
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
                readState.foldCounters(roomIds);
            });
        } catch (RuntimeException e) {
            touched(List.of(roomIds));
            throw e;
        }
    }
}
