package io.chatmesh.systemtest;

import io.chatmesh.testkit.StreamRecorder;
import io.chatmesh.platform.auth.BearerCallCredentials;
import io.chatmesh.proto.signaling.v1.Join;
import io.chatmesh.proto.signaling.v1.Joined;
import io.chatmesh.proto.signaling.v1.SignalRequest;
import io.chatmesh.proto.signaling.v1.SignalResponse;
import io.chatmesh.proto.signaling.v1.SignalingServiceGrpc;
import io.grpc.Channel;
import io.grpc.stub.StreamObserver;

/** One SignalingService.Connect stream, joined to a room's call. */
final class SignalClient {

    final StreamRecorder<SignalResponse> events;
    private final StreamObserver<SignalRequest> out;

    private SignalClient(StreamObserver<SignalRequest> out, StreamRecorder<SignalResponse> events) {
        this.out = out;
        this.events = events;
    }

    /** Connects and joins the room's call; waits for Joined. */
    static SignalClient join(Channel channel, String token, String roomId) {
        StreamRecorder<SignalResponse> events = new StreamRecorder<>();
        StreamObserver<SignalRequest> out = SignalingServiceGrpc.newStub(channel)
                .withCallCredentials(BearerCallCredentials.of(token)).connect(events);
        SignalClient client = new SignalClient(out, events);
        client.send(SignalRequest.newBuilder().setClientId("join").setJoin(Join.newBuilder().setRoomId(roomId)).build());
        client.joined();
        return client;
    }

    Joined joined() {
        return events.awaitFirst(SignalResponse::hasJoined).getJoined();
    }

    void send(SignalRequest request) {
        synchronized (out) {
            out.onNext(request);
        }
    }
}
