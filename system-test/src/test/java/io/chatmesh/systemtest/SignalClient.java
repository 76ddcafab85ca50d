package io.chatmesh.systemtest;

import io.chatmesh.platform.auth.BearerCallCredentials;
import io.chatmesh.proto.signaling.v1.ClientEvent;
import io.chatmesh.proto.signaling.v1.Join;
import io.chatmesh.proto.signaling.v1.Joined;
import io.chatmesh.proto.signaling.v1.ServerEvent;
import io.chatmesh.proto.signaling.v1.SignalingServiceGrpc;
import io.chatmesh.testkit.StreamRecorder;
import io.grpc.Channel;
import io.grpc.stub.StreamObserver;

/** One SignalingService.Connect stream, joined to a room's call. */
final class SignalClient {

    final StreamRecorder<ServerEvent> events;
    private final StreamObserver<ClientEvent> out;

    private SignalClient(StreamObserver<ClientEvent> out, StreamRecorder<ServerEvent> events) {
        this.out = out;
        this.events = events;
    }

    /** Connects and joins the room's call; waits for Joined. */
    static SignalClient join(Channel channel, String token, String roomId) {
        return join(channel, token, Join.newBuilder().setRoomId(roomId));
    }

    /** Connects and rejoins the room's call as {@code participantId}; waits for Joined. */
    static SignalClient rejoin(Channel channel, String token, String roomId, String participantId) {
        return join(channel, token, Join.newBuilder().setRoomId(roomId).setParticipantId(participantId));
    }

    private static SignalClient join(Channel channel, String token, Join.Builder join) {
        StreamRecorder<ServerEvent> events = new StreamRecorder<>();
        StreamObserver<ClientEvent> out = SignalingServiceGrpc.newStub(channel)
                .withCallCredentials(BearerCallCredentials.of(token)).connect(events);
        SignalClient client = new SignalClient(out, events);
        client.send(ClientEvent.newBuilder().setClientId("join").setJoin(join).build());
        client.joined();
        return client;
    }

    Joined joined() {
        return events.awaitFirst(ServerEvent::hasJoined).getJoined();
    }

    void send(ClientEvent request) {
        synchronized (out) {
            out.onNext(request);
        }
    }
}
