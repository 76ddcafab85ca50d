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
 * </ul>
 * Inbound frames are parsed by the generated marshaller, which the platform makes lenient
 * (see {@code MalformedRequests}): the stream answers a garbage frame with a StreamError.
 */
final class ConnectBinding {

    private ConnectBinding() {}

    /** The service with Connect bound to {@code connect}; every other method as generated. */
    static ServerServiceDefinition apply(ServerServiceDefinition service,
            Function<StreamObserver<ServerFrame>, StreamObserver<ClientEvent>> connect) {
        MethodDescriptor<ClientEvent, ServerEvent> generated = ChatServiceGrpc.getConnectMethod();
        MethodDescriptor<ClientEvent, ServerFrame> framed =
                generated.toBuilder(generated.getRequestMarshaller(), new FrameMarshaller()).build();
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
