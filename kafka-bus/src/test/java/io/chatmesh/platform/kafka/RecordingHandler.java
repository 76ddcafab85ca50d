package io.chatmesh.platform.kafka;

import io.chatmesh.platform.bus.EventBus.EventHandler;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Remembers the events it handled, in the order handled. */
final class RecordingHandler implements EventHandler {

    record Event(String key, String payload) {}

    private final List<Event> events = new ArrayList<>();

    @Override
    public synchronized void handle(String key, byte[] payload) {
        events.add(new Event(key, new String(payload, StandardCharsets.UTF_8)));
    }

    synchronized List<Event> events() {
        return List.copyOf(events);
    }

    synchronized List<String> payloads() {
        return events.stream().map(Event::payload).toList();
    }

    synchronized List<String> payloadsFor(String key) {
        return events.stream().filter(e -> e.key().equals(key)).map(Event::payload).toList();
    }

    synchronized int size() {
        return events.size();
    }
}
