package io.chatmesh.platform.grpc;

import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.grpc.server.autoconfigure.GrpcServerFactoryAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.grpc.server.ServerBuilderCustomizer;

/**
 * Limits of every chatmesh gRPC server, so that more load than it can serve turns into
 * back-pressure on its clients instead of memory: without a limit a flood of calls is read
 * off the sockets as fast as they come, every call holding its state until answered, and a
 * 256 MB heap ran out within seconds of 20,000 unary sends per second.
 *
 * <p>{@code chatmesh.grpc.max-concurrent-calls-per-connection} (default 1000) is announced to
 * clients as HTTP/2's SETTINGS_MAX_CONCURRENT_STREAMS: a client that has that many calls open
 * on a connection waits for one to finish (gRPC clients queue the call) before it opens more.
 * A chat stream counts as one call for as long as it is open.
 */
@AutoConfiguration(before = GrpcServerFactoryAutoConfiguration.class)
@ConditionalOnClass(NettyServerBuilder.class)
public class GrpcServerLimitsAutoConfiguration {

    @Bean
    ServerBuilderCustomizer<NettyServerBuilder> chatmeshServerLimits(
            @Value("${chatmesh.grpc.max-concurrent-calls-per-connection:1000}") int maxConcurrentCalls) {
        return builder -> builder.maxConcurrentCallsPerConnection(maxConcurrentCalls);
    }
}
