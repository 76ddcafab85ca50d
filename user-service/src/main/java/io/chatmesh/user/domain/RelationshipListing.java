package io.chatmesh.user.domain;

/** Which of a user's relationships to list or remove. */
public enum RelationshipListing {
    FRIENDS,
    /** Users who follow the caller. */
    FOLLOWERS,
    /** Users the caller follows. */
    FOLLOWING
}
