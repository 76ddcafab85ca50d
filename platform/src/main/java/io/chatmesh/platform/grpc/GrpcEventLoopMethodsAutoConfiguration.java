package io.chatmesh.platform.grpc;

import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.grpc.server.autoconfigure.GrpcServerFactoryAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.grpc.server.ServerBuilderCustomizer;

/**
 * {@code chatmesh.grpc.event-loop-methods}: full method names (e.g.
 * {@code chatmesh.chat.v1.ChatService/Connect}) whose calls' callbacks (each inbound message,
 * half-close, cancel, on-ready) run on the connection's event loop instead of being handed to
 * gRPC's executor, a cached thread pool that wakes a parked thread for every one. Profiled at
 * 500 chat sends a second, that hand-off (the wake-up on the event loop, the park on the pool)
 * was a tenth of the JVM's CPU, more than handling the events themselves.
 *
 * <p>Only for methods whose callbacks never block: the event loop serves every call on the
 * connection. Starting a call (interceptors, the handler method) stays off it
 * ({@link EventLoopCalls}). Default: none.
 */
@AutoConfiguration(before = GrpcServerFactoryAutoConfiguration.class)
@ConditionalOnClass(NettyServerBuilder.class)
public class GrpcEventLoopMethodsAutoConfiguration {

    @Bean
    EventLoopCalls chatmeshEventLoopCalls(@Value("${chatmesh.grpc.event-loop-methods:}") String[] names) {
        return new EventLoopCalls(Arrays.stream(names).map(String::strip).filter(name -> !name.isEmpty())
                .collect(Collectors.toUnmodifiableSet()));
    }

    @Bean
    ServerBuilderCustomizer<NettyServerBuilder> chatmeshEventLoopMethods(EventLoopCalls calls) {
        return builder -> {
            if (!calls.isEmpty()) {
                builder.callExecutor(calls);
            }
        };
    }
}
