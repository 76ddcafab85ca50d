package io.chatmesh.chat.domain;

/** Who can see and join a room (see chatmesh.room.v1.RoomKind). */
public enum RoomKind {
    PUBLIC, PRIVATE, GROUP, DIRECT
}
