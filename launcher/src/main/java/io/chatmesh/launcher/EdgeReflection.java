package io.chatmesh.launcher;

import com.linecorp.armeria.server.grpc.GrpcService;
import com.linecorp.armeria.server.grpc.GrpcServiceBuilder;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCallHandler;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import java.util.concurrent.atomic.AtomicReference;

/**
 * gRPC server reflection at the edge, v1 and v1alpha (what older grpcurl releases ask for), over
 * every service the edge serves. Armeria shows the server's services to one reflection service
 * only; v1alpha is the same protocol under another name (grpc-java's own v1alpha service is the
 * v1 handler renamed), so v1alpha calls go to the v1 handler Armeria has wired up.
 */
final class EdgeReflection {

    private final AtomicReference<ServerCallHandler<ServerReflectionRequest, ServerReflectionResponse>> v1Handler =
            new AtomicReference<>();

    /** Adds both reflection services to the edge's gRPC service. */
    GrpcServiceBuilder addTo(GrpcServiceBuilder grpc) {
        return grpc.addService(ProtoReflectionServiceV1.newInstance()).addService(v1Alpha());
    }

    /** Points v1alpha at the v1 handler of the built service; before a call can arrive. */
    @SuppressWarnings("unchecked") // the v1 method of the v1 service: its handler has the v1 message types
    void wire(GrpcService built) {
        String v1Method = ServerReflectionGrpc.getServerReflectionInfoMethod().getFullMethodName();
        v1Handler.set((ServerCallHandler<ServerReflectionRequest, ServerReflectionResponse>) built.services().stream()
                .filter(service -> service.getServiceDescriptor().getName().equals(ServerReflectionGrpc.SERVICE_NAME))
                .findFirst().orElseThrow().getMethod(v1Method).getServerCallHandler());
    }

    private ServerServiceDefinition v1Alpha() {
        MethodDescriptor<?, ?> alphaGenerated = io.grpc.reflection.v1alpha.ServerReflectionGrpc.getServerReflectionInfoMethod();
        MethodDescriptor<ServerReflectionRequest, ServerReflectionResponse> alpha = ServerReflectionGrpc
                .getServerReflectionInfoMethod().toBuilder()
                .setFullMethodName(alphaGenerated.getFullMethodName())
                .setSchemaDescriptor(alphaGenerated.getSchemaDescriptor())
                .build();
        ServiceDescriptor alphaService = ServiceDescriptor.newBuilder(io.grpc.reflection.v1alpha.ServerReflectionGrpc.SERVICE_NAME)
                .setSchemaDescriptor(io.grpc.reflection.v1alpha.ServerReflectionGrpc.getServiceDescriptor().getSchemaDescriptor())
                .addMethod(alpha)
                .build();
        return ServerServiceDefinition.builder(alphaService)
                .addMethod(alpha, (call, headers) -> v1Handler.get().startCall(call, headers))
                .build();
    }
}
