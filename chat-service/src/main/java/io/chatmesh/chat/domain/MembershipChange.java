package io.chatmesh.chat.domain;

/** What happened to a membership (see chatmesh.chat.v1.MembershipChange). */
public enum MembershipChange {
    JOINED, LEFT, INVITED, REMOVED, ROLE_CHANGED;

    /** Whether the user belongs to the room after this change. */
    public boolean grantsMembership() {
        return this == JOINED || this == INVITED || this == ROLE_CHANGED;
    }
}
