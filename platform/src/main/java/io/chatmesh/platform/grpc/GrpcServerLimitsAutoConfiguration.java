package io.chatmesh.platform.grpc;

import io.chatmesh.platform.config.SettingChecks;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.grpc.server.autoconfigure.GrpcServerFactoryAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.grpc.server.ServerBuilderCustomizer;
import org.springframework.util.unit.DataSize;

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
 *
 * <p>{@code chatmesh.grpc.flow-control-window} (default 1 MB, gRPC's own) is how many bytes a
 * client may send on one call before the server has read them (HTTP/2's window). A client that
 * sends faster than its calls are served stops there instead of having the server buffer its
 * frames; chat-service, whose stream events are small, sets 64 KB (an overload run with 1 MB
 * windows left its JVM out of direct buffer memory), while a service taking 1 MB attachment
 * chunks keeps the large window, one round trip per chunk.
 */
@AutoConfiguration(before = GrpcServerFactoryAutoConfiguration.class)
@ConditionalOnClass(NettyServerBuilder.class)
public class GrpcServerLimitsAutoConfiguration {

    @Bean
    ServerBuilderCustomizer<NettyServerBuilder> chatmeshServerLimits(
            @Value("${chatmesh.grpc.max-concurrent-calls-per-connection:1000}") int maxConcurrentCalls,
            @Value("${chatmesh.grpc.flow-control-window:1MB}") DataSize flowControlWindow) {
        SettingChecks settings = new SettingChecks("chatmesh.grpc");
        settings.atLeastOne("max-concurrent-calls-per-connection", maxConcurrentCalls);
        settings.require("flow-control-window", flowControlWindow,
                flowControlWindow.toBytes() >= 1 && flowControlWindow.toBytes() <= Integer.MAX_VALUE,
                "must be between 1B and 2GB");
        int window = (int) flowControlWindow.toBytes();
        return builder -> builder.maxConcurrentCallsPerConnection(maxConcurrentCalls).flowControlWindow(window);
    }
}
