package io.chatmesh.platform.grpc;

import io.grpc.ServerInterceptor;
import java.util.List;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.grpc.server.autoconfigure.ConditionalOnSpringGrpc;
import org.springframework.boot.grpc.server.autoconfigure.GrpcServerAutoConfiguration;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.grpc.server.GlobalServerInterceptor;
import org.springframework.grpc.server.service.DefaultGrpcServiceDiscoverer;
import org.springframework.grpc.server.service.GrpcServiceDiscoverer;
import org.springframework.grpc.server.service.GrpcServiceSpec;

/**
 * Every service of a chatmesh gRPC server answers a malformed request with a status instead of
 * an application error and a logged stack trace ({@link MalformedRequests}): the services are
 * discovered as Spring gRPC does, with lenient request parsing, and a global interceptor
 * closes calls whose request did not parse.
 */
@AutoConfiguration(before = GrpcServerAutoConfiguration.class)
@ConditionalOnSpringGrpc
public class MalformedRequestsAutoConfiguration {

    @Bean
    GrpcServiceDiscoverer grpcServiceDiscoverer(ApplicationContext context) {
        GrpcServiceDiscoverer discovered = new DefaultGrpcServiceDiscoverer(context);
        return new GrpcServiceDiscoverer() {
            @Override
            public List<GrpcServiceSpec> findServices() {
                return discovered.findServices().stream()
                        .map(spec -> new GrpcServiceSpec(MalformedRequests.lenient(spec.service()), spec.serviceInfo()))
                        .toList();
            }

            @Override
            public List<String> listServiceNames() {
                return discovered.listServiceNames();
            }
        };
    }

    @Bean
    @GlobalServerInterceptor
    ServerInterceptor chatmeshMalformedRequests() {
        return MalformedRequests.INTERCEPTOR;
    }
}
