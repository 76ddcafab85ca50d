package io.chatmesh.launcher;

import com.google.protobuf.Any;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import io.chatmesh.platform.grpc.RawBytes;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.InsecureServerCredentials;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real gRPC server (grpc-java on 127.0.0.1, port 0) behind the edge in its own tests, with one
 * method of each kind, that writes down what reached it: the edge relays bytes and metadata, so
 * what arrives here is what the edge passed on. Messages are plain bytes; the edge never parses them.
 */
final class EchoBackend implements AutoCloseable {

    static final String SERVICE = "edgetest.Echo";
    /** Answers the request's bytes, with response header {@code x-backend-header} and trailer {@code x-backend-trailer}. */
    static final MethodDescriptor<byte[], byte[]> ECHO = method("Echo", MethodType.UNARY);
    /** Fails with INVALID_ARGUMENT and a google.rpc.Status (ErrorInfo) in {@code grpc-status-details-bin}. */
    static final MethodDescriptor<byte[], byte[]> REFUSE = method("Refuse", MethodType.UNARY);
    /** Answers how many milliseconds were left of the call's deadline here, or "none". */
    static final MethodDescriptor<byte[], byte[]> DEADLINE = method("Deadline", MethodType.UNARY);
    /** For a request "n", streams "0" … "n-1"; for "forever:TAG", streams "0" and waits to be cancelled. */
    static final MethodDescriptor<byte[], byte[]> COUNT = method("Count", MethodType.SERVER_STREAMING);
    /** Answers all the requests' bytes joined. */
    static final MethodDescriptor<byte[], byte[]> COLLECT = method("Collect", MethodType.CLIENT_STREAMING);
    /** Answers each request with its bytes. */
    static final MethodDescriptor<byte[], byte[]> CHAT = method("Chat", MethodType.BIDI_STREAMING);

    static final ServiceDescriptor DESCRIPTOR = ServiceDescriptor.newBuilder(SERVICE)
            .addMethod(ECHO).addMethod(REFUSE).addMethod(DEADLINE).addMethod(COUNT).addMethod(COLLECT).addMethod(CHAT)
            .build();

    static final Metadata.Key<String> BACKEND_HEADER = Metadata.Key.of("x-backend-header", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> BACKEND_TRAILER = Metadata.Key.of("x-backend-trailer", Metadata.ASCII_STRING_MARSHALLER);

    private final Server server;
    /** The metadata of the latest call that reached this backend. */
    volatile Metadata lastHeaders;
    /** Calls that reached this backend, of any method. */
    final AtomicInteger calls = new AtomicInteger();
    private final Map<String, CompletableFuture<Void>> cancelled = new ConcurrentHashMap<>();

    EchoBackend() {
        ServerInterceptor recordHeaders = new ServerInterceptor() {
            @Override
            public <I, O> ServerCall.Listener<I> interceptCall(ServerCall<I, O> call, Metadata headers,
                    ServerCallHandler<I, O> next) {
                lastHeaders = headers;
                calls.incrementAndGet();
                return next.startCall(call, headers);
            }
        };
        ServerServiceDefinition echo = ServerServiceDefinition.builder(DESCRIPTOR)
                .addMethod(ECHO, EchoBackend::echo)
                .addMethod(REFUSE, ServerCalls.asyncUnaryCall((request, out) -> out.onError(refusal())))
                .addMethod(DEADLINE, ServerCalls.asyncUnaryCall((request, out) -> reply(out, remaining())))
                .addMethod(COUNT, ServerCalls.asyncServerStreamingCall(this::count))
                .addMethod(COLLECT, ServerCalls.asyncClientStreamingCall(EchoBackend::collect))
                .addMethod(CHAT, ServerCalls.asyncBidiStreamingCall(EchoBackend::chat))
                .build();
        try {
            server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0), InsecureServerCredentials.create())
                    .addService(ServerInterceptors.intercept(echo, recordHeaders))
                    .addService(new HealthStatusManager().getHealthService()) // "" SERVING, for /healthz
                    .build().start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Completes when the "forever:TAG" stream is cancelled here. */
    CompletableFuture<Void> cancelled(String tag) {
        return cancelled.computeIfAbsent(tag, t -> new CompletableFuture<>());
    }

    int port() {
        return server.getPort();
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** By hand rather than with a stub: a stub cannot add trailers to a successful call. */
    private static ServerCall.Listener<byte[]> echo(ServerCall<byte[], byte[]> call, Metadata headers) {
        call.request(1);
        return new ServerCall.Listener<>() {
            private byte[] request;

            @Override
            public void onMessage(byte[] message) {
                request = message;
            }

            @Override
            public void onHalfClose() {
                Metadata responseHeaders = new Metadata();
                responseHeaders.put(BACKEND_HEADER, "h");
                call.sendHeaders(responseHeaders);
                call.sendMessage(request);
                Metadata trailers = new Metadata();
                trailers.put(BACKEND_TRAILER, "t");
                call.close(Status.OK, trailers);
            }
        };
    }

    private void count(byte[] request, StreamObserver<byte[]> out) {
        ServerCallStreamObserver<byte[]> stream = (ServerCallStreamObserver<byte[]>) out;
        if (text(request).startsWith("forever:")) {
            stream.setOnCancelHandler(() -> cancelled(text(request).substring("forever:".length())).complete(null));
            stream.onNext(bytes("0"));
            return;
        }
        for (int i = 0; i < Integer.parseInt(text(request)); i++) {
            stream.onNext(bytes(Integer.toString(i)));
        }
        stream.onCompleted();
    }

    private static StreamObserver<byte[]> collect(StreamObserver<byte[]> out) {
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        return new StreamObserver<>() {
            @Override
            public void onNext(byte[] request) {
                joined.writeBytes(request);
            }

            @Override
            public void onError(Throwable t) {}

            @Override
            public void onCompleted() {
                reply(out, joined.toString(StandardCharsets.UTF_8));
            }
        };
    }

    private static StreamObserver<byte[]> chat(StreamObserver<byte[]> out) {
        return new StreamObserver<>() {
            @Override
            public void onNext(byte[] request) {
                out.onNext(request);
            }

            @Override
            public void onError(Throwable t) {}

            @Override
            public void onCompleted() {
                out.onCompleted();
            }
        };
    }

    private static String remaining() {
        Deadline deadline = Context.current().getDeadline();
        return deadline == null ? "none" : Long.toString(deadline.timeRemaining(TimeUnit.MILLISECONDS));
    }

    private static void reply(StreamObserver<byte[]> out, String text) {
        out.onNext(bytes(text));
        out.onCompleted();
    }

    private static Throwable refusal() {
        return StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder()
                .setCode(Code.INVALID_ARGUMENT_VALUE).setMessage("refused")
                .addDetails(Any.pack(ErrorInfo.newBuilder().setDomain("edgetest").setReason("REFUSED").build()))
                .build());
    }

    private static MethodDescriptor<byte[], byte[]> method(String name, MethodType type) {
        return MethodDescriptor.newBuilder(RawBytes.MARSHALLER, RawBytes.MARSHALLER)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name)).setType(type).build();
    }
}
