package io.chatmesh.chat.api;

import io.chatmesh.chat.bus.ServerFrame;
import io.chatmesh.proto.chat.v1.ChatServiceGrpc;
import io.chatmesh.proto.chat.v1.ClientEvent;
import io.chatmesh.proto.chat.v1.ServerEvent;
import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * How ChatService.Connect is bound, instead of the generated binding:
 * <ul>
 * <li>Outbound messages are {@link ServerFrame}s, ServerEvents already encoded: a room event
 * fanned out to many streams is encoded once and its bytes written to each (same wire format,
 * so clients see plain ServerEvents).
 * <li>An unparseable inbound frame becomes the {@link #UNPARSEABLE} marker event, which the
 * stream answers with a StreamError: grpc-java would close the call, but one garbage frame
 * must not end a chat session.
 * </ul>
 */
final class ConnectBinding {

    /** Stands for a frame that was not a ClientEvent; compared by identity. */
    private static final ClientEvent UNPARSEABLE = ClientEvent.newBuilder().build();

    private ConnectBinding() {}

    static boolean isUnparseable(ClientEvent event) {
        return event == UNPARSEABLE;
    }

    /** The service with Connect bound to {@code connect}; every other method as generated. */
    static ServerServiceDefinition apply(ServerServiceDefinition service,
            Function<StreamObserver<ServerFrame>, StreamObserver<ClientEvent>> connect) {
        MethodDescriptor<ClientEvent, ServerEvent> generated = ChatServiceGrpc.getConnectMethod();
        MethodDescriptor<ClientEvent, ServerFrame> framed =
                generated.toBuilder(lenient(generated.getRequestMarshaller()), new FrameMarshaller()).build();
        ServerCallHandler<ClientEvent, ServerFrame> handler = ServerCalls.asyncBidiStreamingCall(connect::apply);

        ServiceDescriptor original = service.getServiceDescriptor();
        ServiceDescriptor.Builder descriptor = ServiceDescriptor.newBuilder(original.getName())
                .setSchemaDescriptor(original.getSchemaDescriptor());
        List<ServerMethodDefinition<?, ?>> methods = new ArrayList<>();
        for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
            ServerMethodDefinition<?, ?> bound = method.getMethodDescriptor().getFullMethodName()
                    .equals(generated.getFullMethodName()) ? ServerMethodDefinition.create(framed, handler) : method;
            descriptor.addMethod(bound.getMethodDescriptor());
            methods.add(bound);
        }
        ServerServiceDefinition.Builder builder = ServerServiceDefinition.builder(descriptor.build());
        methods.forEach(builder::addMethod);
        return builder.build();
    }

    private static MethodDescriptor.Marshaller<ClientEvent> lenient(MethodDescriptor.Marshaller<ClientEvent> strict) {
        return new MethodDescriptor.Marshaller<>() {
            @Override
            public InputStream stream(ClientEvent value) {
                return strict.stream(value);
            }

            @Override
            public ClientEvent parse(InputStream stream) {
                try {
                    return strict.parse(stream);
                } catch (StatusRuntimeException e) {
                    return UNPARSEABLE;
                }
            }
        };
    }

    /** Writes a frame's bytes as they are; known length and drainable, so gRPC copies them once. */
    private static final class FrameMarshaller implements MethodDescriptor.Marshaller<ServerFrame> {

        @Override
        public InputStream stream(ServerFrame frame) {
            return new FrameStream(frame.bytes());
        }

        @Override
        public ServerFrame parse(InputStream stream) {
            try {
                return new ServerFrame(stream.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static final class FrameStream extends ByteArrayInputStream implements KnownLength, Drainable {

        FrameStream(byte[] bytes) {
            super(bytes);
        }

        @Override
        public int drainTo(OutputStream target) throws IOException {
            int length = count - pos;
            target.write(buf, pos, length);
            pos = count;
            return length;
        }
    }
}
