package io.chatmesh.signaling.api;

import io.chatmesh.platform.time.ApiTimes;
import io.chatmesh.proto.signaling.v1.Call;
import io.chatmesh.proto.signaling.v1.CallState;
import io.chatmesh.signaling.domain.Invitation;
import java.util.HashSet;

/** Translation between Call / CallState and the domain's {@link Invitation} (for the RPCs and the bus). */
public final class CallProtos {

    private CallProtos() {}

    public static Call call(Invitation invitation) {
        Call.Builder call = Call.newBuilder()
                .setCallId(invitation.callId())
                .setRoomId(invitation.roomId())
                .setCallerId(invitation.callerId())
                .setState(state(invitation.state()))
                .setVideo(invitation.video())
                .setCreateTime(ApiTimes.timestamp(invitation.createTime()))
                .setExpireTime(ApiTimes.timestamp(invitation.expireTime()))
                .addAllCalleeIds(invitation.calleeIds())
                .addAllDeclinedUserIds(invitation.declinedUserIds());
        if (!invitation.acceptedUserIds().isEmpty()) {
            call.setAcceptedByUserId(invitation.acceptedUserIds().getFirst());
        }
        return call.addAllAcceptedUserIds(invitation.acceptedUserIds()).build();
    }

    public static Invitation invitation(Call call) {
        return new Invitation(call.getCallId(), call.getRoomId(), call.getCallerId(), call.getCalleeIdsList(),
                call.getVideo(), ApiTimes.instant(call.getCreateTime()), ApiTimes.instant(call.getExpireTime()),
                state(call.getState()), new HashSet<>(call.getDeclinedUserIdsList()), call.getAcceptedUserIdsList());
    }

    public static CallState state(Invitation.State state) {
        return switch (state) {
            case RINGING -> CallState.CALL_STATE_RINGING;
            case ACCEPTED -> CallState.CALL_STATE_ACCEPTED;
            case DECLINED -> CallState.CALL_STATE_DECLINED;
            case CANCELLED -> CallState.CALL_STATE_CANCELLED;
            case MISSED -> CallState.CALL_STATE_MISSED;
        };
    }

    /** @return null for UNSPECIFIED or a state this version does not know */
    public static Invitation.State state(CallState state) {
        return switch (state) {
            case CALL_STATE_RINGING -> Invitation.State.RINGING;
            case CALL_STATE_ACCEPTED -> Invitation.State.ACCEPTED;
            case CALL_STATE_DECLINED -> Invitation.State.DECLINED;
            case CALL_STATE_CANCELLED -> Invitation.State.CANCELLED;
            case CALL_STATE_MISSED -> Invitation.State.MISSED;
            case CALL_STATE_UNSPECIFIED, UNRECOGNIZED -> null;
        };
    }
}
