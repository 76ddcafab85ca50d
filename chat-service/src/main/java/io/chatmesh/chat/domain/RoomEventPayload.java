package io.chatmesh.chat.domain;

/** A room event as the bus carries it (serialized, with its event id and time inside). */
public record RoomEventPayload(String roomId, byte[] bytes) {}
