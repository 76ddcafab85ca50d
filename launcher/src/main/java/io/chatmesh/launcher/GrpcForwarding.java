package io.chatmesh.launcher;

import io.chatmesh.platform.grpc.RawBytes;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Deadline;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import java.util.List;

/**
 * A public chatmesh service as the edge serves it: every method forwarded, as opaque bytes with
 * its metadata, deadline, cancellation and flow control, to the backend that owns the service.
 * The edge never parses a message, so it needs no change when a contract gains a field.
 */
final class GrpcForwarding {

    private GrpcForwarding() {}

    /**
     * A copy of the service whose methods carry bytes; the schema stays for reflection.
     *
     * @throws IllegalArgumentException for an internal service ({@code chatmesh.*.internal.*}): those
     *         are for chatmesh's own services only and are never routed (docs/edge.md)
     */
    static ServerServiceDefinition forward(ServiceDescriptor service, Channel backend) {
        if (service.getName().contains(".internal.")) {
            throw new IllegalArgumentException("internal services are never routed: " + service.getName());
        }
        ServiceDescriptor.Builder bytesService = ServiceDescriptor.newBuilder(service.getName())
                .setSchemaDescriptor(service.getSchemaDescriptor());
        List<MethodDescriptor<byte[], byte[]>> methods = service.getMethods().stream()
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
            Deadline deadline = ForwardedHeaders.deadline(headers);
            if (deadline != null) {
                options = options.withDeadline(deadline);
            }
            ClientCall<byte[], byte[]> clientCall = backend.newCall(method, options);
            Relay relay = new Relay(serverCall, clientCall);
            clientCall.start(relay.backendListener, ForwardedHeaders.relayed(headers));
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
                serverCall.sendHeaders(ForwardedHeaders.relayed(headers));
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
                serverCall.close(status, ForwardedHeaders.relayed(trailers));
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
