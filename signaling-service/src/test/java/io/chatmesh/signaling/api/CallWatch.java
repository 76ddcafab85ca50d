package io.chatmesh.signaling.api;

import io.chatmesh.platform.auth.BearerCallCredentials;
import io.chatmesh.proto.signaling.v1.Call;
import io.chatmesh.proto.signaling.v1.CallState;
import io.chatmesh.proto.signaling.v1.SignalingServiceGrpc;
import io.chatmesh.proto.signaling.v1.WatchCallsRequest;
import io.chatmesh.proto.signaling.v1.WatchCallsResponse;
import io.chatmesh.testkit.StreamRecorder;
import io.grpc.Channel;
import io.grpc.Context;

/** One device's WatchCalls stream, recorded; closing cancels it. */
final class CallWatch implements AutoCloseable {

    final StreamRecorder<WatchCallsResponse> events = new StreamRecorder<>();
    private final Context.CancellableContext context = Context.current().withCancellation();

    CallWatch(Channel channel, String token) {
        context.run(() -> SignalingServiceGrpc.newStub(channel)
                .withCallCredentials(BearerCallCredentials.of(token))
                .watchCalls(WatchCallsRequest.getDefaultInstance(), events));
    }

    /** Waits until this device was told the call is in {@code state}; returns that version of it. */
    Call await(Call call, CallState state) {
        return events.awaitFirst(response -> response.getCall().getCallId().equals(call.getCallId())
                && response.getCall().getState() == state).getCall();
    }

    @Override
    public void close() {
        context.cancel(null);
    }
}
