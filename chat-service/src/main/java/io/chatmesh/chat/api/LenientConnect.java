package io.chatmesh.chat.api;

import io.chatmesh.proto.chat.v1.ChatServiceGrpc;
import io.chatmesh.proto.chat.v1.ClientEvent;
import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.StatusRuntimeException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes an unparseable Connect frame a stream-level error instead of a dead stream:
 * grpc-java closes a call whose request cannot be parsed, but one garbage frame must not end
 * a chat session. Connect's request marshaller is swapped for one that turns a parse failure
 * into the {@link #UNPARSEABLE} marker event, which the stream answers with a StreamError.
 */
final class LenientConnect {

    /** Stands for a frame that was not a ClientEvent; compared by identity. */
    private static final ClientEvent UNPARSEABLE = ClientEvent.newBuilder().build();

    private LenientConnect() {}

    static boolean isUnparseable(ClientEvent event) {
        return event == UNPARSEABLE;
    }

    /** The service with Connect's request marshaller made lenient; everything else unchanged. */
    static ServerServiceDefinition apply(ServerServiceDefinition service) {
        String connect = ChatServiceGrpc.getConnectMethod().getFullMethodName();
        ServiceDescriptor original = service.getServiceDescriptor();
        ServiceDescriptor.Builder descriptor = ServiceDescriptor.newBuilder(original.getName())
                .setSchemaDescriptor(original.getSchemaDescriptor());
        List<ServerMethodDefinition<?, ?>> methods = new ArrayList<>();
        for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
            ServerMethodDefinition<?, ?> bound = method.getMethodDescriptor().getFullMethodName().equals(connect)
                    ? lenient(cast(method)) : method;
            descriptor.addMethod(bound.getMethodDescriptor());
            methods.add(bound);
        }
        ServerServiceDefinition.Builder builder = ServerServiceDefinition.builder(descriptor.build());
        methods.forEach(builder::addMethod);
        return builder.build();
    }

    @SuppressWarnings("unchecked")
    private static <R> ServerMethodDefinition<ClientEvent, R> cast(ServerMethodDefinition<?, ?> method) {
        return (ServerMethodDefinition<ClientEvent, R>) method;
    }

    private static <R> ServerMethodDefinition<ClientEvent, R> lenient(ServerMethodDefinition<ClientEvent, R> method) {
        MethodDescriptor<ClientEvent, R> descriptor = method.getMethodDescriptor();
        MethodDescriptor.Marshaller<ClientEvent> strict = descriptor.getRequestMarshaller();
        MethodDescriptor.Marshaller<ClientEvent> lenient = new MethodDescriptor.Marshaller<>() {
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
        return ServerMethodDefinition.create(
                descriptor.toBuilder(lenient, descriptor.getResponseMarshaller()).build(), method.getServerCallHandler());
    }
}
