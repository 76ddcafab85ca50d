package io.chatmesh.signaling.domain;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A ring: the caller invites the other members of a room (the callees) to the room's call.
 * Immutable; every change makes a new one.
 *
 * @param declinedUserIds callees who declined (their devices stop ringing); DECLINED once all have
 * @param acceptedByUserId the callee who accepted; null unless ACCEPTED
 */
public record Invitation(String callId, String roomId, String callerId, List<String> calleeIds, boolean video,
        Instant createTime, Instant expireTime, State state, Set<String> declinedUserIds, String acceptedByUserId) {

    public enum State { RINGING, ACCEPTED, DECLINED, CANCELLED, MISSED }

    public Invitation {
        calleeIds = List.copyOf(calleeIds);
        declinedUserIds = Set.copyOf(declinedUserIds);
    }

    public boolean involves(String userId) {
        return callerId.equals(userId) || calleeIds.contains(userId);
    }

    Invitation withState(State newState) {
        return new Invitation(callId, roomId, callerId, calleeIds, video, createTime, expireTime, newState,
                declinedUserIds, acceptedByUserId);
    }

    Invitation acceptedBy(String userId) {
        return new Invitation(callId, roomId, callerId, calleeIds, video, createTime, expireTime, State.ACCEPTED,
                declinedUserIds, userId);
    }

    /** Adds a decline; the ring is DECLINED once every callee declined. */
    Invitation declinedBy(String userId) {
        Set<String> declined = new LinkedHashSet<>(declinedUserIds);
        declined.add(userId);
        State next = declined.containsAll(calleeIds) ? State.DECLINED : State.RINGING;
        return new Invitation(callId, roomId, callerId, calleeIds, video, createTime, expireTime, next, declined,
                acceptedByUserId);
    }
}
