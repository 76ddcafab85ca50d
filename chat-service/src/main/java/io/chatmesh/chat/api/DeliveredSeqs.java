package io.chatmesh.chat.api;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Which message seqs of each room one stream has sent, so a message published again (a retry
 * of a send whose first publish had an unknown outcome: same message, same seq) is not sent
 * twice, while a pending message whose first publish never landed is sent when it finally
 * comes, even after higher seqs. Sent seqs are kept per room as ranges: a stream sees a room's
 * messages mostly in seq order, so one range grows per room and only skipped seqs (failed
 * sends) split it. At most {@link #MAX_RANGES_PER_ROOM} ranges per room are kept; beyond that
 * the oldest is forgotten, and a repeat of one of its seqs would be sent again.
 *
 * <p>Not thread-safe: the stream's session guards it.
 */
final class DeliveredSeqs {

    static final int MAX_RANGES_PER_ROOM = 64;

    /** Per room: first seq of a range → last seq of it; ranges are disjoint and not adjacent. */
    private final Map<String, NavigableMap<Long, Long>> rangesByRoom = new HashMap<>();

    /** Counts every seq from 1 to {@code seq} as sent (a resume cursor: the client has them). */
    void addUpTo(String roomId, long seq) {
        if (seq < 1) {
            return;
        }
        NavigableMap<Long, Long> ranges = rangesByRoom.computeIfAbsent(roomId, r -> new TreeMap<>());
        long last = seq;
        Iterator<Long> absorbed = ranges.headMap(seq + 1, true).values().iterator();
        while (absorbed.hasNext()) {
            last = Math.max(last, absorbed.next());
            absorbed.remove();
        }
        ranges.put(1L, last);
    }

    /** Records the seq as sent; false when it was already (the message is a repeat). */
    boolean add(String roomId, long seq) {
        NavigableMap<Long, Long> ranges = rangesByRoom.computeIfAbsent(roomId, r -> new TreeMap<>());
        Map.Entry<Long, Long> below = ranges.floorEntry(seq);
        if (below != null && below.getValue() >= seq) {
            return false;
        }
        long first = seq;
        if (below != null && below.getValue() == seq - 1) {
            first = below.getKey();
        }
        long last = seq;
        Long next = ranges.get(seq + 1);
        if (next != null) {
            ranges.remove(seq + 1);
            last = next;
        }
        ranges.put(first, last);
        if (ranges.size() > MAX_RANGES_PER_ROOM) {
            ranges.pollFirstEntry();
        }
        return true;
    }
}
