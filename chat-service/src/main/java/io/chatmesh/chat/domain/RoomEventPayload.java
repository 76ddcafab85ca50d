package io.chatmesh.chat.domain;

/**
 * A room event as the bus carries it (serialized, with its event id and time inside):
 * publishing the same payload again repeats the identical event, which consumers recognize.
 */
public record RoomEventPayload(String roomId, byte[] bytes) {}
