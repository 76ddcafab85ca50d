package io.chatmesh.signaling.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatmesh.platform.auth.BearerCallCredentials;
import io.chatmesh.platform.grpc.RawBytes;
import io.chatmesh.proto.common.v1.StreamError;
import io.chatmesh.proto.signaling.v1.ClientEvent;
import io.chatmesh.proto.signaling.v1.Join;
import io.chatmesh.proto.signaling.v1.Joined;
import io.chatmesh.proto.signaling.v1.Ping;
import io.chatmesh.proto.signaling.v1.ServerEvent;
import io.chatmesh.proto.signaling.v1.SignalingServiceGrpc;
import io.chatmesh.testkit.GrpcErrors;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One client end of a Connect stream over a real channel, recording every frame it gets.
 * Frames go out as raw bytes, so a test can also send one that is no ClientEvent at all.
 */
final class SignalClient implements AutoCloseable {

    private static final MethodDescriptor<byte[], ServerEvent> RAW_CONNECT = SignalingServiceGrpc.getConnectMethod()
            .toBuilder(RawBytes.MARSHALLER, ProtoUtils.marshaller(ServerEvent.getDefaultInstance())).build();

    /** Generous: a frame that never comes fails the test only after this long. */
    private static final long TIMEOUT_SECONDS = 10;

    private final BlockingQueue<ServerEvent> responses = new LinkedBlockingQueue<>();
    private final CompletableFuture<Status> closed = new CompletableFuture<>();
    /** The error the stream ended with (its trailers carry the details); null if it completed. */
    private volatile Throwable closingError;
    private final StreamObserver<byte[]> requests;
    private final AtomicLong nonces = new AtomicLong();

    private SignalClient(Channel channel, CallOptions options) {
        requests = ClientCalls.asyncBidiStreamingCall(channel.newCall(RAW_CONNECT, options), new StreamObserver<>() {
            @Override
            public void onNext(ServerEvent response) {
                responses.add(response);
            }

            @Override
            public void onError(Throwable t) {
                closingError = t;
                closed.complete(Status.fromThrowable(t));
            }

            @Override
            public void onCompleted() {
                closed.complete(Status.OK);
            }
        });
    }

    /** A stream authenticated by header. */
    static SignalClient withHeader(Channel channel, String token) {
        return new SignalClient(channel, CallOptions.DEFAULT.withCallCredentials(BearerCallCredentials.of(token)));
    }

    /** A stream without authorization header (the token, if any, goes in Join). */
    static SignalClient withoutHeader(Channel channel) {
        return new SignalClient(channel, CallOptions.DEFAULT);
    }

    synchronized void send(ClientEvent request) {
        requests.onNext(request.toByteArray());
    }

    synchronized void sendRaw(byte[] frame) {
        requests.onNext(frame);
    }

    void send(String clientId, ClientEvent.Builder request) {
        send(request.setClientId(clientId).build());
    }

    void join(String roomId) {
        send("join", ClientEvent.newBuilder().setJoin(Join.newBuilder().setRoomId(roomId)));
    }

    /** Joins and returns the Joined frame. */
    Joined joined(String roomId) {
        join(roomId);
        ServerEvent response = next();
        assertThat(response.hasJoined()).as("expected joined, got %s", response).isTrue();
        return response.getJoined();
    }

    ServerEvent next() {
        try {
            ServerEvent response = responses.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            assertThat(response).as("no frame within %d s", TIMEOUT_SECONDS).isNotNull();
            return response;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    StreamError nextError() {
        ServerEvent response = next();
        assertThat(response.hasError()).as("expected an error, got %s", response).isTrue();
        return response.getError();
    }

    /**
     * Every frame up to the answer of a fresh ping, which the server queues after anything it
     * already queued for this client: a way to see that nothing else is pending.
     */
    List<ServerEvent> drainUntilPong() {
        long nonce = nonces.incrementAndGet();
        send(ClientEvent.newBuilder().setPing(Ping.newBuilder().setNonce(nonce)).build());
        List<ServerEvent> before = new ArrayList<>();
        while (true) {
            ServerEvent response = next();
            if (response.hasPong() && response.getPong().getNonce() == nonce) {
                return before;
            }
            before.add(response);
        }
    }

    Status awaitClose() {
        return closed.orTimeout(TIMEOUT_SECONDS, TimeUnit.SECONDS).join();
    }

    /** The chatmesh reason (ErrorInfo in the closing trailers) the server ended the stream with; "" if none. */
    String awaitCloseReason() {
        awaitClose();
        return closingError == null ? "" : GrpcErrors.reason(closingError);
    }

    /** Half-closes: the client is done sending. */
    void closeRequests() {
        requests.onCompleted();
    }

    /** Cancels the call, as a client that goes away does. */
    void cancel() {
        requests.onError(Status.CANCELLED.asRuntimeException());
    }

    @Override
    public void close() {
        if (!closed.isDone()) {
            cancel();
        }
    }
}
