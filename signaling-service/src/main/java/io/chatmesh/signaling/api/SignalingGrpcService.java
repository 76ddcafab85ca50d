package io.chatmesh.signaling.api;

import io.chatmesh.platform.auth.AccessTokenVerifier;
import io.chatmesh.platform.auth.AuthContext;
import io.chatmesh.platform.auth.EndedSessions;
import io.chatmesh.platform.client.MembershipClient;
import io.chatmesh.platform.stream.OutboundQueue;
import io.chatmesh.platform.time.ApiTimes;
import io.chatmesh.proto.signaling.v1.ClientEvent;
import io.chatmesh.proto.signaling.v1.GetIceServersRequest;
import io.chatmesh.proto.signaling.v1.GetIceServersResponse;
import io.chatmesh.proto.signaling.v1.ServerEvent;
import io.chatmesh.proto.signaling.v1.SignalingServiceGrpc;
import io.chatmesh.signaling.domain.CallRelay;
import io.chatmesh.signaling.domain.IceServerDirectory;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import org.springframework.grpc.server.service.GrpcService;

/**
 * chatmesh.signaling.v1.SignalingService: the Connect relay and GetIceServers. Ringing
 * (RingCall, AcceptCall, DeclineCall, CancelCall, WatchCalls) is not implemented yet and
 * answers UNIMPLEMENTED.
 */
@GrpcService
public class SignalingGrpcService extends SignalingServiceGrpc.SignalingServiceImplBase {

    private final CallRelay relay;
    private final MembershipClient memberships;
    private final AccessTokenVerifier verifier;
    private final EndedSessions endedSessions;
    private final IceServerDirectory iceServers;
    private final StreamSettings settings;

    public SignalingGrpcService(CallRelay relay, MembershipClient memberships, AccessTokenVerifier verifier,
            EndedSessions endedSessions, IceServerDirectory iceServers, StreamSettings settings) {
        this.relay = relay;
        this.memberships = memberships;
        this.verifier = verifier;
        this.endedSessions = endedSessions;
        this.iceServers = iceServers;
        this.settings = settings;
    }

    @Override
    public StreamObserver<ClientEvent> connect(StreamObserver<ServerEvent> responseObserver) {
        ServerCallStreamObserver<ServerEvent> call = (ServerCallStreamObserver<ServerEvent>) responseObserver;
        OutboundQueue<ServerEvent> out = new OutboundQueue<>(call, settings.outboundQueueCapacity());
        SignalingSession session = new SignalingSession(AuthContext.currentOrNull(), out, relay, memberships,
                verifier, endedSessions, iceServers, settings);
        call.setOnCancelHandler(session::end);
        // A stream the server ends (slow consumer, rejected token) is not cancelled: leave here too.
        call.setOnCloseHandler(session::end);
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
}
