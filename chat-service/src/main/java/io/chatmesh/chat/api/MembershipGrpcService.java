package io.chatmesh.chat.api;

import io.chatmesh.chat.bus.MessageProtos;
import io.chatmesh.chat.domain.Membership;
import io.chatmesh.chat.domain.PresenceReach;
import io.chatmesh.chat.domain.Rooms;
import io.chatmesh.platform.auth.AuthContext;
import io.chatmesh.platform.auth.Principal;
import io.chatmesh.platform.error.ChatmeshException;
import io.chatmesh.platform.error.Validation;
import io.chatmesh.proto.room.internal.v1.CheckCoMembersRequest;
import io.chatmesh.proto.room.internal.v1.CheckCoMembersResponse;
import io.chatmesh.proto.room.internal.v1.CheckMembershipRequest;
import io.chatmesh.proto.room.internal.v1.CheckMembershipResponse;
import io.chatmesh.proto.room.internal.v1.MembershipServiceGrpc;
import io.grpc.stub.StreamObserver;
import org.springframework.grpc.server.service.GrpcService;

/**
 * chatmesh.room.internal.v1.MembershipService, for chatmesh's own services (message- and
 * signaling-service ask it before serving a room): internal, never routed by the edge or the
 * gateway. Callers forward the end user's token and may ask about that user only. user-service
 * asks which users share a presence-sharing room with the caller ({@link PresenceReach}).
 */
@GrpcService
public class MembershipGrpcService extends MembershipServiceGrpc.MembershipServiceImplBase {

    /** Most ids one CheckCoMembers call may name. */
    static final int CO_MEMBERS_MAX = 100;

    private final Rooms rooms;
    private final PresenceReach presenceReach;

    public MembershipGrpcService(Rooms rooms, PresenceReach presenceReach) {
        this.rooms = rooms;
        this.presenceReach = presenceReach;
    }

    @Override
    public void checkMembership(CheckMembershipRequest request, StreamObserver<CheckMembershipResponse> response) {
        Principal caller = AuthContext.current();
        new Validation().id("room_id", request.getRoomId()).id("user_id", request.getUserId()).check();
        if (!request.getUserId().equals(caller.userId())) {
            throw ChatmeshException.notAllowed("callers may only ask about the user whose token they forward");
        }
        Membership membership = rooms.membership(caller.userId(), request.getRoomId());
        response.onNext(CheckMembershipResponse.newBuilder()
                .setIsMember(membership.member())
                .setRole(MessageProtos.toProto(membership.role()))
                .setRoomKind(MessageProtos.toProto(membership.roomKind()))
                .build());
        response.onCompleted();
    }

    @Override
    public void checkCoMembers(CheckCoMembersRequest request, StreamObserver<CheckCoMembersResponse> response) {
        Principal caller = AuthContext.current();
        new Validation().id("user_id", request.getUserId())
                .ids("other_user_ids", request.getOtherUserIdsList(), 1, CO_MEMBERS_MAX).check();
        if (!request.getUserId().equals(caller.userId())) {
            throw ChatmeshException.notAllowed("callers may only ask about the user whose token they forward");
        }
        response.onNext(CheckCoMembersResponse.newBuilder()
                .addAllCoMemberUserIds(presenceReach.coMembers(caller.userId(), request.getOtherUserIdsList()))
                .build());
        response.onCompleted();
    }
}
