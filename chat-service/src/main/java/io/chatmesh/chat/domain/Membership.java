package io.chatmesh.chat.domain;

/**
 * Answer to "does this user belong to that room".
 *
 * @param role null when not a member
 * @param roomKind null when the room does not exist or the user may not know it does
 */
public record Membership(boolean member, MemberRole role, RoomKind roomKind) {

    public static final Membership NONE = new Membership(false, null, null);
}
