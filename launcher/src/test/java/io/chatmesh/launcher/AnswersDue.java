package io.chatmesh.launcher;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The answers one stream still owes, by client_id: an event due an answer counts once per
 * time it was sent (a client_id may be reused), and each Ack or StreamError naming it pays one.
 * Not thread-safe: its stream guards it.
 */
final class AnswersDue {

    private final Map<String, Integer> counts = new HashMap<>();
    private final Map<String, FuzzEvent> events = new LinkedHashMap<>();

    void add(FuzzEvent event) {
        counts.merge(event.clientId(), 1, Integer::sum);
        events.putIfAbsent(event.clientId(), event);
    }

    /** Pays one answer to {@code event}; false when none was due (a second answer, or one never due). */
    boolean pay(FuzzEvent event) {
        Integer due = counts.get(event.clientId());
        if (due == null) {
            return false;
        }
        if (due == 1) {
            counts.remove(event.clientId());
            events.remove(event.clientId());
        } else {
            counts.put(event.clientId(), due - 1);
        }
        return true;
    }

    boolean isEmpty() {
        return counts.isEmpty();
    }

    /** The events still owed an answer, one per client_id, in the order first sent. */
    List<FuzzEvent> events() {
        return new ArrayList<>(events.values());
    }
}
