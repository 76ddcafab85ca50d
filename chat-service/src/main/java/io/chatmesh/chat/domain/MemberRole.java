package io.chatmesh.chat.domain;

/** What a member may do in a room (see chatmesh.room.v1.MemberRole). */
public enum MemberRole {
    OWNER, ADMIN, MEMBER;

    /** Owners and admins moderate: invite, remove, update. */
    public boolean moderates() {
        return this == OWNER || this == ADMIN;
    }
}
