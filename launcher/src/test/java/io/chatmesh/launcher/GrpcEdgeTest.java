package io.chatmesh.launcher;

import static io.chatmesh.launcher.EchoBackend.bytes;
import static io.chatmesh.launcher.EchoBackend.text;
import static io.chatmesh.launcher.GrpcWebClient.BINARY;
import static io.chatmesh.launcher.GrpcWebClient.TEXT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.rpc.ErrorInfo;
import io.chatmesh.platform.grpc.RawBytes;
import io.chatmesh.proto.room.internal.v1.MembershipServiceGrpc;
import io.chatmesh.testkit.StreamRecorder;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.io.DataInputStream;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The edge on its own, in front of a real gRPC backend ({@link EchoBackend}) that writes down what
 * reaches it: what the edge passes on and what it refuses, over native gRPC and gRPC-Web (raw
 * HTTP/1.1, as a browser sends it). The whole stack behind the edge: {@link GrpcEdgeStackTest}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GrpcEdgeTest {

    private static final String ALLOWED_ORIGIN = "http://app.test:5173";
    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<String> REQUEST_ID = Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<byte[]> TRACE_BIN = Metadata.Key.of("x-trace-bin", Metadata.BINARY_BYTE_MARSHALLER);

    private EchoBackend backend;
    private ManagedChannel backendChannel;
    private GrpcEdge edge;
    private ManagedChannel edgeChannel;
    private GrpcWebClient web;

    @BeforeAll
    void start() {
        backend = new EchoBackend();
        backendChannel = channel(backend.port());
        edge = new GrpcEdge("127.0.0.1", 0, Map.of(EchoBackend.DESCRIPTOR, backendChannel), 1024 * 1024,
                List.of(ALLOWED_ORIGIN));
        edgeChannel = channel(edge.port());
        web = new GrpcWebClient(edge.port());
    }

    @AfterAll
    void stop() throws InterruptedException {
        edgeChannel.shutdownNow();
        edge.close();
        backendChannel.shutdownNow();
        backend.close();
    }

    @Test
    void metadataPassesBothWaysOverNativeGrpc() {
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer token-1");
        headers.put(REQUEST_ID, "r-1");
        headers.put(TRACE_BIN, new byte[] {0, 1, 2, (byte) 255});
        AtomicReference<Metadata> responseHeaders = new AtomicReference<>();
        AtomicReference<Metadata> trailers = new AtomicReference<>();
        var channel = ClientInterceptors.intercept(edgeChannel, MetadataUtils.newAttachHeadersInterceptor(headers),
                MetadataUtils.newCaptureMetadataInterceptor(responseHeaders, trailers));

        byte[] reply = ClientCalls.blockingUnaryCall(channel, EchoBackend.ECHO, options(), bytes("hello"));

        assertThat(text(reply)).isEqualTo("hello");
        assertThat(backend.lastHeaders.get(AUTHORIZATION)).isEqualTo("Bearer token-1");
        assertThat(backend.lastHeaders.get(REQUEST_ID)).isEqualTo("r-1");
        assertThat(backend.lastHeaders.get(TRACE_BIN)).containsExactly(0, 1, 2, 255);
        assertThat(responseHeaders.get().get(EchoBackend.BACKEND_HEADER)).isEqualTo("h");
        assertThat(trailers.get().get(EchoBackend.BACKEND_TRAILER)).isEqualTo("t");
    }

    @Test
    void metadataPassesBothWaysOverGrpcWeb() {
        GrpcWebClient.Response response = web.call(BINARY, "/edgetest.Echo/Echo", bytes("hello"),
                "authorization", "Bearer token-1", "x-request-id", "r-1");

        assertThat(response.httpStatus()).isEqualTo(200);
        assertThat(response.grpcStatus()).isZero();
        assertThat(response.messages()).extracting(EchoBackend::text).containsExactly("hello");
        assertThat(backend.lastHeaders.get(AUTHORIZATION)).isEqualTo("Bearer token-1");
        assertThat(backend.lastHeaders.get(REQUEST_ID)).isEqualTo("r-1");
        assertThat(response.headers().firstValue("x-backend-header")).hasValue("h");
        assertThat(response.headers().allValues("content-type")).containsExactly(BINARY);
        assertThat(response.trailers()).containsEntry("x-backend-trailer", "t");
    }

    @Test
    void aRefusedCallKeepsItsCodeAndDetailsBothWays() {
        assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(edgeChannel, EchoBackend.REFUSE, options(), bytes("x")))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(StatusProto.fromThrowable(e).getDetailsList()).anyMatch(any -> any.is(ErrorInfo.class));
                });

        for (String format : List.of(BINARY, TEXT)) {
            GrpcWebClient.Response refused = web.call(format, "/edgetest.Echo/Refuse", bytes("x"));
            assertThat(refused.grpcStatus()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
            assertThat(refused.statusDetails()).as("grpc-status-details-bin over %s", format).isNotNull();
            assertThat(refused.statusDetails().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
            assertThat(refused.statusDetails().getDetailsList()).anyMatch(any -> any.is(ErrorInfo.class));
        }
    }

    @Test
    void theCallersDeadlineReachesTheBackend() {
        long nativeLeft = Long.parseLong(text(ClientCalls.blockingUnaryCall(edgeChannel, EchoBackend.DEADLINE,
                CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS), new byte[0])));
        assertThat(nativeLeft).isPositive().isLessThanOrEqualTo(30_000);

        GrpcWebClient.Response web20s = web.call(BINARY, "/edgetest.Echo/Deadline", new byte[0], "grpc-timeout", "20S");
        assertThat(Long.parseLong(text(web20s.messages().get(0)))).isPositive().isLessThanOrEqualTo(20_000);

        assertThat(text(ClientCalls.blockingUnaryCall(edgeChannel, EchoBackend.DEADLINE, CallOptions.DEFAULT, new byte[0])))
                .as("no deadline stays no deadline").isEqualTo("none");
    }

    @Test
    void aCancelledNativeCallIsCancelledAtTheBackend() throws Exception {
        ClientCall<byte[], byte[]> call = edgeChannel.newCall(EchoBackend.COUNT, CallOptions.DEFAULT);
        StreamRecorder<byte[]> replies = new StreamRecorder<>();
        ClientCalls.asyncServerStreamingCall(call, bytes("forever:native"), replies);
        replies.awaitFirst(reply -> true);

        call.cancel("the caller is gone", null);

        backend.cancelled("native").get(StreamRecorder.PATIENCE.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void aGrpcWebStreamTheBrowserAbandonsIsCancelledAtTheBackend() throws Exception {
        try (InputStream stream = web.open("/edgetest.Echo/Count", bytes("forever:web"))) {
            GrpcWebClient.Frame first = GrpcWebClient.readFrame(new DataInputStream(stream));
            assertThat(text(first.payload())).isEqualTo("0");
        }

        backend.cancelled("web").get(StreamRecorder.PATIENCE.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void serverStreamingWorksOverGrpcWebBinaryAndText() {
        for (String format : List.of(BINARY, TEXT)) {
            GrpcWebClient.Response response = web.call(format, "/edgetest.Echo/Count", bytes("3"));
            assertThat(response.grpcStatus()).isZero();
            assertThat(response.messages()).as(format).extracting(EchoBackend::text).containsExactly("0", "1", "2");
        }
    }

    @Test
    void clientAndBidiStreamingAreRefusedOverGrpcWebBeforeTheBackend() {
        int callsBefore = backend.calls.get();
        for (String format : List.of(BINARY, TEXT)) {
            assertThat(web.call(format, "/edgetest.Echo/Collect", bytes("a")).grpcStatus())
                    .isEqualTo(Status.Code.UNIMPLEMENTED.value());
            assertThat(web.call(format, "/edgetest.Echo/Chat", bytes("a")).grpcStatus())
                    .isEqualTo(Status.Code.UNIMPLEMENTED.value());
        }
        assertThat(backend.calls).hasValue(callsBefore);
    }

    @Test
    void clientAndBidiStreamingWorkOverNativeGrpc() {
        StreamRecorder<byte[]> collected = new StreamRecorder<>();
        StreamObserver<byte[]> parts = ClientCalls.asyncClientStreamingCall(
                edgeChannel.newCall(EchoBackend.COLLECT, options()), collected);
        parts.onNext(bytes("a"));
        parts.onNext(bytes("b"));
        parts.onCompleted();
        collected.awaitEnd();
        assertThat(collected.all(reply -> true)).extracting(EchoBackend::text).containsExactly("ab");

        StreamRecorder<byte[]> echoes = new StreamRecorder<>();
        StreamObserver<byte[]> said = ClientCalls.asyncBidiStreamingCall(edgeChannel.newCall(EchoBackend.CHAT, options()), echoes);
        said.onNext(bytes("one"));
        echoes.awaitFirst(reply -> text(reply).equals("one"));
        said.onNext(bytes("two"));
        echoes.awaitFirst(reply -> text(reply).equals("two"));
        said.onCompleted();
        echoes.awaitEnd();
        assertThat(echoes.error()).isNull();
    }

    @Test
    void unroutedServicesAreUnimplementedAndInternalOnesCannotBeRouted() {
        MethodDescriptor<byte[], byte[]> internal = MembershipServiceGrpc.getCheckMembershipMethod()
                .toBuilder(RawBytes.MARSHALLER, RawBytes.MARSHALLER).build();
        assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(edgeChannel, internal, options(), new byte[0]))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED));
        assertThat(web.call(BINARY, "/" + internal.getFullMethodName(), new byte[0]).grpcStatus())
                .isEqualTo(Status.Code.UNIMPLEMENTED.value());

        assertThatThrownBy(() -> GrpcForwarding.forward(MembershipServiceGrpc.getServiceDescriptor(), backendChannel))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void corsLetsTheConfiguredOriginCallAndNoOther() {
        HttpResponse<String> allowed = web.send(preflight(ALLOWED_ORIGIN));
        assertThat(allowed.statusCode()).isEqualTo(200);
        assertThat(allowed.headers().firstValue("access-control-allow-origin")).hasValue(ALLOWED_ORIGIN);
        assertThat(allowed.headers().firstValue("access-control-allow-methods").orElseThrow()).contains("POST");
        assertThat(allowed.headers().firstValue("access-control-allow-headers").orElseThrow().toLowerCase())
                .contains(EdgeCors.ALLOWED_REQUEST_HEADERS);

        GrpcWebClient.Response call = web.call(BINARY, "/edgetest.Echo/Refuse", bytes("x"), "origin", ALLOWED_ORIGIN);
        assertThat(call.headers().firstValue("access-control-allow-origin")).hasValue(ALLOWED_ORIGIN);
        assertThat(call.headers().firstValue("access-control-expose-headers").orElseThrow().toLowerCase())
                .contains(EdgeCors.EXPOSED_RESPONSE_HEADERS);

        // the edge's own origin is allowed only while no origins are configured
        for (String other : List.of("http://evil.test", "http://127.0.0.1:" + edge.port())) {
            assertThat(web.send(preflight(other)).headers().firstValue("access-control-allow-origin"))
                    .as("preflight from %s", other).isEmpty();
        }
    }

    @Test
    void healthzAsksTheBackends() throws InterruptedException {
        EchoBackend ownBackend = new EchoBackend();
        ManagedChannel ownBackendChannel = channel(ownBackend.port());
        GrpcEdge ownEdge = new GrpcEdge("127.0.0.1", 0, Map.of(EchoBackend.DESCRIPTOR, ownBackendChannel), 1024, List.of());
        try {
            GrpcWebClient client = new GrpcWebClient(ownEdge.port());
            HttpResponse<String> up = client.send(HttpRequest.newBuilder(client.uri("/healthz")).GET());
            assertThat(up.statusCode()).isEqualTo(200);
            assertThat(up.body()).isEqualTo("edgetest.Echo SERVING\n");

            ownBackend.close();

            HttpResponse<String> down = client.send(HttpRequest.newBuilder(client.uri("/healthz")).GET());
            assertThat(down.statusCode()).isEqualTo(503);
            assertThat(down.body()).doesNotContain("SERVING");
        } finally {
            ownEdge.close();
            ownBackendChannel.shutdownNow();
            ownBackend.close();
        }
    }

    @Test
    void aTakenPortStopsTheStartAndClosingFreesThePort() throws Exception {
        assertThatThrownBy(() -> new GrpcEdge("127.0.0.1", edge.port(), Map.of(), 1024, List.of()))
                .isInstanceOf(UncheckedIOException.class);

        GrpcEdge ownEdge = new GrpcEdge("127.0.0.1", 0, Map.of(), 1024, List.of());
        int port = ownEdge.port();
        ownEdge.close();

        try (ServerSocket rebound = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
            assertThat(rebound.getLocalPort()).isEqualTo(port);
        }
    }

    private HttpRequest.Builder preflight(String origin) {
        return HttpRequest.newBuilder(web.uri("/edgetest.Echo/Echo"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("origin", origin)
                .header("access-control-request-method", "POST")
                .header("access-control-request-headers", String.join(",", EdgeCors.ALLOWED_REQUEST_HEADERS));
    }

    private static ManagedChannel channel(int port) {
        return NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    }

    private static CallOptions options() {
        return CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS);
    }
}
