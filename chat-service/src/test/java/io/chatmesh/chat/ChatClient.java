package io.chatmesh.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.chatmesh.platform.auth.BearerCallCredentials;
import io.chatmesh.platform.grpc.RawBytes;
import io.chatmesh.proto.chat.v1.ChatServiceGrpc;
import io.chatmesh.proto.chat.v1.ClientEvent;
import io.chatmesh.proto.chat.v1.Hello;
import io.chatmesh.proto.chat.v1.Ready;
import io.chatmesh.proto.chat.v1.SendMessageEvent;
import io.chatmesh.proto.chat.v1.ServerEvent;
import io.chatmesh.testkit.GrpcErrors;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One ChatService.Connect stream as a test client sees it. Frames go out as raw bytes, so a
 * test can also send a frame that is not a ClientEvent at all.
 */
public final class ChatClient implements AutoCloseable {

    private static final long WAIT_SECONDS = 20;

    private static final MethodDescriptor<byte[], ServerEvent> RAW_CONNECT = ChatServiceGrpc.getConnectMethod()
            .toBuilder(RawBytes.MARSHALLER, ProtoUtils.marshaller(ServerEvent.getDefaultInstance())).build();

    private final BlockingQueue<ServerEvent> received = new LinkedBlockingQueue<>();
    private final CompletableFuture<Status> closed = new CompletableFuture<>();
    /** The error the stream ended with (its trailers carry the details); null if it completed. */
    private volatile Throwable closingError;
    private final ClientCallStreamObserver<byte[]> requests;

    private ChatClient(Channel channel, String headerToken) {
        CallOptions options = headerToken == null ? CallOptions.DEFAULT
                : CallOptions.DEFAULT.withCallCredentials(BearerCallCredentials.of(headerToken));
        requests = (ClientCallStreamObserver<byte[]>) ClientCalls.asyncBidiStreamingCall(
                channel.newCall(RAW_CONNECT, options), new StreamObserver<ServerEvent>() {
                    @Override
                    public void onNext(ServerEvent event) {
                        received.add(event);
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

    /** A stream whose call carries {@code token} in the authorization header (null: no header). */
    public static ChatClient connect(Channel channel, String token) {
        return new ChatClient(channel, token);
    }

    /** Connects with a header token, sends Hello and returns Ready. */
    public static ChatClient ready(Channel channel, String token) {
        ChatClient client = connect(channel, token);
        client.hello(Hello.getDefaultInstance());
        return client;
    }

    public Ready hello(Hello hello) {
        send(ClientEvent.newBuilder().setHello(hello).build());
        ServerEvent event = next();
        assertThat(event.getEventCase()).as("answer to hello: %s", event).isEqualTo(ServerEvent.EventCase.READY);
        return event.getReady();
    }

    public synchronized void send(ClientEvent event) {
        requests.onNext(event.toByteArray());
    }

    public synchronized void sendRaw(byte[] frame) {
        requests.onNext(frame);
    }

    public void sendMessage(String clientId, String roomId, String text) {
        send(ClientEvent.newBuilder().setClientId(clientId)
                .setSend(SendMessageEvent.newBuilder().setRoomId(roomId).setText(text)).build());
    }

    /** Whether gRPC takes more events without queueing them on the client (HTTP/2 flow control). */
    public boolean isReady() {
        return requests.isReady();
    }

    /** Tells the server this client sends nothing more. */
    public synchronized void halfClose() {
        requests.onCompleted();
    }

    /** The next event; fails when none arrives in time. */
    public ServerEvent next() {
        try {
            ServerEvent event = received.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            if (event == null) {
                fail("no server event within " + WAIT_SECONDS + " s (stream closed: " + closed.getNow(null) + ")");
            }
            return event;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The next event of this kind, skipping others. */
    public ServerEvent next(ServerEvent.EventCase kind) {
        while (true) {
            ServerEvent event = next();
            if (event.getEventCase() == kind) {
                return event;
            }
        }
    }

    /** How the server ended the stream. */
    public Status awaitClosed() {
        try {
            return closed.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("stream not closed within " + WAIT_SECONDS + " s", e);
        }
    }

    /** The chatmesh reason (ErrorInfo in the closing trailers) the server ended the stream with; "" if none. */
    public String awaitClosedReason() {
        awaitClosed();
        return closingError == null ? "" : GrpcErrors.reason(closingError);
    }

    @Override
    public synchronized void close() {
        if (!closed.isDone()) {
            requests.cancel("test done", null);
        }
    }
}
