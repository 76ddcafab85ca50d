package io.chatmesh.chat.domain;

/**
 * One entry of a room's log, under its seq: a posted {@link Message} or a {@link MessageChange}
 * (edit, deletion, reaction). Both share the room's one sequence, so every instance publishes
 * and every stream delivers them in one order, and a resume replays them in it.
 */
public interface LogEntry {

    String roomId();

    long seq();
}
