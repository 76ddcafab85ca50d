package io.chatmesh.signaling.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatmesh.platform.auth.BearerCallCredentials;
import io.chatmesh.proto.common.v1.StreamError;
import io.chatmesh.proto.signaling.v1.Join;
import io.chatmesh.proto.signaling.v1.Joined;
import io.chatmesh.proto.signaling.v1.SignalPing;
import io.chatmesh.proto.signaling.v1.SignalRequest;
import io.chatmesh.proto.signaling.v1.SignalResponse;
import io.chatmesh.proto.signaling.v1.SignalingServiceGrpc;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** One client end of a Connect stream over a real channel, recording every frame it gets. */
final class SignalClient implements AutoCloseable {

    /** Generous: a frame that never comes fails the test only after this long. */
    private static final long TIMEOUT_SECONDS = 10;

    private final BlockingQueue<SignalResponse> responses = new LinkedBlockingQueue<>();
    private final CompletableFuture<Status> closed = new CompletableFuture<>();
    private final StreamObserver<SignalRequest> requests;
    private final AtomicLong nonces = new AtomicLong();

    private SignalClient(SignalingServiceGrpc.SignalingServiceStub stub) {
        requests = stub.connect(new StreamObserver<>() {
            @Override
            public void onNext(SignalResponse response) {
                responses.add(response);
            }

            @Override
            public void onError(Throwable t) {
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
        return new SignalClient(SignalingServiceGrpc.newStub(channel).withCallCredentials(BearerCallCredentials.of(token)));
    }

    /** A stream without authorization header (the token, if any, goes in Join). */
    static SignalClient withoutHeader(Channel channel) {
        return new SignalClient(SignalingServiceGrpc.newStub(channel));
    }

    void send(SignalRequest request) {
        requests.onNext(request);
    }

    void send(String clientId, SignalRequest.Builder request) {
        send(request.setClientId(clientId).build());
    }

    void join(String roomId) {
        send("join", SignalRequest.newBuilder().setJoin(Join.newBuilder().setRoomId(roomId)));
    }

    /** Joins and returns the Joined frame. */
    Joined joined(String roomId) {
        join(roomId);
        SignalResponse response = next();
        assertThat(response.hasJoined()).as("expected joined, got %s", response).isTrue();
        return response.getJoined();
    }

    SignalResponse next() {
        try {
            SignalResponse response = responses.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            assertThat(response).as("no frame within %d s", TIMEOUT_SECONDS).isNotNull();
            return response;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    StreamError nextError() {
        SignalResponse response = next();
        assertThat(response.hasError()).as("expected an error, got %s", response).isTrue();
        return response.getError();
    }

    /**
     * Every frame up to the answer of a fresh ping, which the server queues after anything it
     * already queued for this client: a way to see that nothing else is pending.
     */
    List<SignalResponse> drainUntilPong() {
        long nonce = nonces.incrementAndGet();
        send(SignalRequest.newBuilder().setPing(SignalPing.newBuilder().setNonce(nonce)).build());
        List<SignalResponse> before = new ArrayList<>();
        while (true) {
            SignalResponse response = next();
            if (response.hasPong() && response.getPong().getNonce() == nonce) {
                return before;
            }
            before.add(response);
        }
    }

    Status awaitClose() {
        return closed.orTimeout(TIMEOUT_SECONDS, TimeUnit.SECONDS).join();
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
