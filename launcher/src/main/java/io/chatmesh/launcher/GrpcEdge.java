package io.chatmesh.launcher;

import io.chatmesh.platform.grpc.RawBytes;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Context;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One gRPC port in front of the four services, playing Envoy's routing role in the
 * embedded run: every method of every chatmesh service is forwarded, as opaque bytes with
 * its headers, deadline, cancellation and flow control, to the service that owns it.
 * Server reflection here lists all five chatmesh services, so grpcurl needs one address, and
 * grpc.health.v1.Health answers for the edge ("") and for each routed service by name.
 */
final class GrpcEdge implements AutoCloseable {

    private final Server server;
    private final HealthStatusManager health = new HealthStatusManager();

    /** @param routes each service's descriptor and the channel of the backend serving it */
    GrpcEdge(String host, int port, Map<ServiceDescriptor, Channel> routes, int maxInboundMessageBytes) {
        NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(host, port),
                        InsecureServerCredentials.create())
                .maxInboundMessageSize(maxInboundMessageBytes)
                .keepAliveTime(60, TimeUnit.SECONDS)
                .permitKeepAliveTime(10, TimeUnit.SECONDS)
                .permitKeepAliveWithoutCalls(true);
        routes.forEach((service, backend) -> builder.addService(forward(service, backend)));
        builder.addService(ProtoReflectionServiceV1.newInstance());
        @SuppressWarnings("deprecation") // v1alpha: what older grpcurl releases ask for
        io.grpc.BindableService reflectionV1Alpha = io.grpc.protobuf.services.ProtoReflectionService.newInstance();
        builder.addService(reflectionV1Alpha);
        builder.addService(health.getHealthService());
        try {
            server = builder.build().start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind the gRPC edge on " + host + ":" + port, e);
        }
        // the edge starts last, once every service it routes to is up
        health.setStatus("", HealthCheckResponse.ServingStatus.SERVING);
        routes.keySet().forEach(service -> health.setStatus(service.getName(), HealthCheckResponse.ServingStatus.SERVING));
    }

    int port() {
        return server.getPort();
    }

    @Override
    public void close() throws InterruptedException {
        health.enterTerminalState();
        server.shutdown();
        if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
            server.shutdownNow();
        }
    }

    /** A copy of the service whose methods carry bytes; the schema stays for reflection. */
    private static ServerServiceDefinition forward(ServiceDescriptor service, Channel backend) {
        ServiceDescriptor.Builder bytesService = ServiceDescriptor.newBuilder(service.getName())
                .setSchemaDescriptor(service.getSchemaDescriptor());
        java.util.List<MethodDescriptor<byte[], byte[]>> methods = service.getMethods().stream()
                .map(m -> m.toBuilder(RawBytes.MARSHALLER, RawBytes.MARSHALLER).build()).toList();
        methods.forEach(bytesService::addMethod);
        ServerServiceDefinition.Builder definition = ServerServiceDefinition.builder(bytesService.build());
        methods.forEach(m -> definition.addMethod(m, new ForwardingHandler(m, backend)));
        return definition.build();
    }

    private record ForwardingHandler(MethodDescriptor<byte[], byte[]> method, Channel backend)
            implements ServerCallHandler<byte[], byte[]> {

        @Override
        public ServerCall.Listener<byte[]> startCall(ServerCall<byte[], byte[]> serverCall, Metadata headers) {
            CallOptions options = CallOptions.DEFAULT;
            if (Context.current().getDeadline() != null) {
                options = options.withDeadline(Context.current().getDeadline());
            }
            ClientCall<byte[], byte[]> clientCall = backend.newCall(method, options);
            Relay relay = new Relay(serverCall, clientCall);
            clientCall.start(relay.backendListener, headers);
            serverCall.request(1);
            clientCall.request(1);
            return relay.callerListener;
        }
    }

    /** Moves messages both ways, one at a time, only as fast as the receiving side is ready. */
    private static final class Relay {
        private final ServerCall<byte[], byte[]> serverCall;
        private final ClientCall<byte[], byte[]> clientCall;

        final ServerCall.Listener<byte[]> callerListener = new ServerCall.Listener<>() {
            @Override
            public void onMessage(byte[] message) {
                clientCall.sendMessage(message);
                synchronized (Relay.this) {
                    if (clientCall.isReady()) {
                        serverCall.request(1);
                    } else {
                        callerWaiting = true;
                    }
                }
            }

            @Override
            public void onHalfClose() {
                clientCall.halfClose();
            }

            @Override
            public void onCancel() {
                clientCall.cancel("caller cancelled", null);
            }

            @Override
            public void onReady() {
                synchronized (Relay.this) {
                    if (backendWaiting) {
                        backendWaiting = false;
                        clientCall.request(1);
                    }
                }
            }
        };

        final ClientCall.Listener<byte[]> backendListener = new ClientCall.Listener<>() {
            @Override
            public void onHeaders(Metadata headers) {
                serverCall.sendHeaders(headers);
            }

            @Override
            public void onMessage(byte[] message) {
                serverCall.sendMessage(message);
                synchronized (Relay.this) {
                    if (serverCall.isReady()) {
                        clientCall.request(1);
                    } else {
                        backendWaiting = true;
                    }
                }
            }

            @Override
            public void onClose(Status status, Metadata trailers) {
                serverCall.close(status, trailers);
            }

            @Override
            public void onReady() {
                synchronized (Relay.this) {
                    if (callerWaiting) {
                        callerWaiting = false;
                        serverCall.request(1);
                    }
                }
            }
        };

        private boolean callerWaiting;
        private boolean backendWaiting;

        Relay(ServerCall<byte[], byte[]> serverCall, ClientCall<byte[], byte[]> clientCall) {
            this.serverCall = serverCall;
            this.clientCall = clientCall;
        }
    }
}
