package io.chatmesh.user.domain;

import java.time.Instant;

/** A friend or follow request from one user to another, and how it was answered. */
public record RelationshipRequest(String id, Kind kind, String fromUserId, String toUserId, State state,
        String message, Instant createTime, Instant updateTime) {

    public enum Kind { FRIEND, FOLLOW }

    public enum State { PENDING, ACCEPTED, DECLINED, CANCELLED }

    /** Which side of requests to list. */
    public enum Direction { INCOMING, OUTGOING }

    RelationshipRequest withState(State newState, Instant now) {
        return new RelationshipRequest(id, kind, fromUserId, toUserId, newState, message, createTime, now);
    }
}
