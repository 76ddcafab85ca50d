package io.chatmesh.signaling.domain;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A ring: the caller invites the other members of a room (the callees) to the room's call.
 * Immutable; every change makes a new one.
 *
 * <p>Each callee answers for themselves: their devices stop ringing when they accept or decline,
 * while the other callees of a group ring keep ringing. The ring ends once every callee
 * answered (ACCEPTED if anyone accepted, else DECLINED), when the caller cancels, or at the
 * timeout (ACCEPTED if anyone accepted by then, else MISSED).
 *
 * @param declinedUserIds callees who declined
 * @param acceptedUserIds callees who accepted, in order
 */
public record Invitation(String callId, String roomId, String callerId, List<String> calleeIds, boolean video,
        Instant createTime, Instant expireTime, State state, Set<String> declinedUserIds, List<String> acceptedUserIds) {

    public enum State { RINGING, ACCEPTED, DECLINED, CANCELLED, MISSED }

    public Invitation {
        calleeIds = List.copyOf(calleeIds);
        declinedUserIds = Set.copyOf(declinedUserIds);
        acceptedUserIds = List.copyOf(acceptedUserIds);
    }

    /** Whether this callee answered already (accepted or declined). */
    public boolean answeredBy(String userId) {
        return declinedUserIds.contains(userId) || acceptedUserIds.contains(userId);
    }

    public boolean involves(String userId) {
        return callerId.equals(userId) || calleeIds.contains(userId);
    }

    Invitation withState(State newState) {
        return new Invitation(callId, roomId, callerId, calleeIds, video, createTime, expireTime, newState,
                declinedUserIds, acceptedUserIds);
    }

    /** The ring's timeout: nobody accepted, MISSED; else the ring ends as ACCEPTED. */
    Invitation expired() {
        return withState(acceptedUserIds.isEmpty() ? State.MISSED : State.ACCEPTED);
    }

    Invitation acceptedBy(String userId) {
        List<String> accepted = new java.util.ArrayList<>(acceptedUserIds);
        accepted.add(userId);
        return new Invitation(callId, roomId, callerId, calleeIds, video, createTime, expireTime, state,
                declinedUserIds, accepted).settled();
    }

    Invitation declinedBy(String userId) {
        Set<String> declined = new LinkedHashSet<>(declinedUserIds);
        declined.add(userId);
        return new Invitation(callId, roomId, callerId, calleeIds, video, createTime, expireTime, state, declined,
                acceptedUserIds).settled();
    }

    /** Once every callee answered, the ring ends. */
    private Invitation settled() {
        if (!calleeIds.stream().allMatch(this::answeredBy)) {
            return this;
        }
        return withState(acceptedUserIds.isEmpty() ? State.DECLINED : State.ACCEPTED);
    }
}
