package io.chatmesh.signaling.api;

import io.chatmesh.platform.auth.AccessTokenVerifier;
import io.chatmesh.platform.auth.AuthContext;
import io.chatmesh.platform.auth.EndedSessions;
import io.chatmesh.platform.client.MembershipClient;
import io.chatmesh.platform.stream.OutboundQueue;
import io.chatmesh.platform.time.ApiTimes;
import io.chatmesh.proto.signaling.v1.AcceptCallRequest;
import io.chatmesh.proto.signaling.v1.AcceptCallResponse;
import io.chatmesh.proto.signaling.v1.CancelCallRequest;
import io.chatmesh.proto.signaling.v1.CancelCallResponse;
import io.chatmesh.proto.signaling.v1.ClientEvent;
import io.chatmesh.proto.signaling.v1.DeclineCallRequest;
import io.chatmesh.proto.signaling.v1.DeclineCallResponse;
import io.chatmesh.proto.signaling.v1.GetIceServersRequest;
import io.chatmesh.proto.signaling.v1.GetIceServersResponse;
import io.chatmesh.proto.signaling.v1.RingCallRequest;
import io.chatmesh.proto.signaling.v1.RingCallResponse;
import io.chatmesh.proto.signaling.v1.ServerEvent;
import io.chatmesh.proto.signaling.v1.SignalingServiceGrpc;
import io.chatmesh.proto.signaling.v1.WatchCallsRequest;
import io.chatmesh.proto.signaling.v1.WatchCallsResponse;
import io.chatmesh.signaling.domain.CallNotices;
import io.chatmesh.signaling.domain.CallRelay;
import io.chatmesh.signaling.domain.CallRinging;
import io.chatmesh.signaling.domain.Invitation;
import io.chatmesh.signaling.domain.RoomRoster;
import io.chatmesh.signaling.domain.IceServerDirectory;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.ScheduledExecutorService;
import org.springframework.grpc.server.service.GrpcService;

/**
 * chatmesh.signaling.v1.SignalingService: the Connect relay, GetIceServers and ringing
 * (RingCall, AcceptCall, DeclineCall, CancelCall, WatchCalls; see {@link RingingRpcs}).
 */
@GrpcService
public class SignalingGrpcService extends SignalingServiceGrpc.SignalingServiceImplBase {

    private final CallRelay relay;
    private final MembershipClient memberships;
    private final AccessTokenVerifier verifier;
    private final EndedSessions endedSessions;
    private final IceServerDirectory iceServers;
    private final StreamSettings settings;
    private final RingingRpcs ringing;
    private final CallNotices notices;

    public SignalingGrpcService(CallRelay relay, MembershipClient memberships, AccessTokenVerifier verifier,
            EndedSessions endedSessions, IceServerDirectory iceServers, StreamSettings settings,
            CallRinging ringing, RoomRoster roster, ScheduledExecutorService callTimers, CallNotices notices) {
        this.relay = relay;
        this.memberships = memberships;
        this.verifier = verifier;
        this.endedSessions = endedSessions;
        this.iceServers = iceServers;
        this.settings = settings;
        this.notices = notices;
        this.ringing = new RingingRpcs(ringing, memberships, roster, settings.outboundQueueCapacity(), callTimers);
    }

    @Override
    public StreamObserver<ClientEvent> connect(StreamObserver<ServerEvent> responseObserver) {
        ServerCallStreamObserver<ServerEvent> call = (ServerCallStreamObserver<ServerEvent>) responseObserver;
        OutboundQueue<ServerEvent> out = new OutboundQueue<>(call, settings.outboundQueueCapacity());
        SignalingSession session = new SignalingSession(AuthContext.currentOrNull(), out, relay, memberships,
                verifier, endedSessions, iceServers, settings, notices);
        call.setOnCancelHandler(session::drop);
        // A stream the server ends (slow consumer) is not cancelled: the participant may come back.
        // After a leave or a rejected token the session has ended already and this does nothing.
        call.setOnCloseHandler(session::drop);
        return session;
    }

    @Override
    public void getIceServers(GetIceServersRequest request, StreamObserver<GetIceServersResponse> responseObserver) {
        IceServerDirectory.IceServers servers = iceServers.forUser(AuthContext.current().userId());
        GetIceServersResponse.Builder response = GetIceServersResponse.newBuilder()
                .addAllIceServers(SignalProtos.iceServers(servers));
        if (servers.expireTime() != null) {
            response.setExpireTime(ApiTimes.timestamp(servers.expireTime()));
        }
        responseObserver.onNext(response.build());
        responseObserver.onCompleted();
    }

    @Override
    public void ringCall(RingCallRequest request, StreamObserver<RingCallResponse> response) {
        ringing.ring(AuthContext.current(), request, response, call -> RingCallResponse.newBuilder().setCall(call).build());
    }

    @Override
    public void acceptCall(AcceptCallRequest request, StreamObserver<AcceptCallResponse> response) {
        ringing.answer(AuthContext.current(), request.getCallId(), Invitation.State.ACCEPTED, response,
                call -> AcceptCallResponse.newBuilder().setCall(call).build());
    }

    @Override
    public void declineCall(DeclineCallRequest request, StreamObserver<DeclineCallResponse> response) {
        ringing.answer(AuthContext.current(), request.getCallId(), Invitation.State.DECLINED, response,
                call -> DeclineCallResponse.newBuilder().setCall(call).build());
    }

    @Override
    public void cancelCall(CancelCallRequest request, StreamObserver<CancelCallResponse> response) {
        ringing.answer(AuthContext.current(), request.getCallId(), Invitation.State.CANCELLED, response,
                call -> CancelCallResponse.newBuilder().setCall(call).build());
    }

    @Override
    public void watchCalls(WatchCallsRequest request, StreamObserver<WatchCallsResponse> response) {
        ringing.watch(AuthContext.current(), (ServerCallStreamObserver<WatchCallsResponse>) response);
    }
}
