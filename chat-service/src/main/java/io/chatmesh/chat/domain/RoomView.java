package io.chatmesh.chat.domain;

/** A room as one user sees it; {@code myRole} is null when the user is not a member. */
public record RoomView(Room room, MemberRole myRole) {}
