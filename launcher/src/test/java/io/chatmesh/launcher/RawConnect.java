package io.chatmesh.launcher;

import io.chatmesh.platform.auth.BearerCallCredentials;
import io.chatmesh.platform.grpc.RawBytes;
import io.chatmesh.testkit.StreamRecorder;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A bidirectional stream whose requests are raw bytes (so a frame can be anything, not only a
 * valid request) and whose answers are parsed as the method's responses. Sends wait for the
 * transport to be ready, so a fuzzer meets the server's flow control instead of buffering
 * without bound.
 */
final class RawConnect<E> {

    private final CompletableFuture<Status> end = new CompletableFuture<>();
    private final Object readiness = new Object();
    private ClientCallStreamObserver<byte[]> requests;
    private volatile boolean cancelled;

    /** @param headerToken the authorization header's token; null: no header */
    RawConnect(Channel channel, MethodDescriptor<?, E> method, String headerToken, Consumer<E> onEvent) {
        MethodDescriptor<byte[], E> raw = method.toBuilder(RawBytes.MARSHALLER, method.getResponseMarshaller()).build();
        CallOptions options = headerToken == null ? CallOptions.DEFAULT
                : CallOptions.DEFAULT.withCallCredentials(BearerCallCredentials.of(headerToken));
        ClientCalls.asyncBidiStreamingCall(channel.newCall(raw, options), new ClientResponseObserver<byte[], E>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<byte[]> stream) {
                requests = stream;
                stream.setOnReadyHandler(RawConnect.this::wakeSenders);
            }

            @Override
            public void onNext(E event) {
                onEvent.accept(event);
            }

            @Override
            public void onError(Throwable t) {
                end.complete(Status.fromThrowable(t));
                wakeSenders();
            }

            @Override
            public void onCompleted() {
                end.complete(Status.OK);
                wakeSenders();
            }
        });
    }

    /** Sends once the transport can take it; nothing once the stream ended. */
    void send(byte[] frame) {
        long deadline = System.nanoTime() + StreamRecorder.PATIENCE.toNanos();
        synchronized (readiness) {
            while (!requests.isReady() && !end.isDone()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the stream took no frame for " + StreamRecorder.PATIENCE);
                }
                try {
                    readiness.wait(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
            if (!end.isDone()) {
                requests.onNext(frame);
            }
        }
    }

    /** Sends without waiting for readiness: a frame larger than any flow-control window. */
    void sendAtOnce(byte[] frame) {
        synchronized (readiness) {
            if (!end.isDone()) {
                requests.onNext(frame);
            }
        }
    }

    private void wakeSenders() {
        synchronized (readiness) {
            readiness.notifyAll();
        }
    }

    /** How the server ended the stream; completes also when this client cancelled it (see {@link #cancelledByClient}). */
    CompletableFuture<Status> end() {
        return end;
    }

    boolean ended() {
        return end.isDone();
    }

    boolean cancelledByClient() {
        return cancelled;
    }

    /** Ends the stream from this side (a client going away). */
    void cancel() {
        synchronized (readiness) {
            if (!end.isDone()) {
                cancelled = true;
                requests.cancel("fuzzer reconnects", null);
            }
        }
    }
}
