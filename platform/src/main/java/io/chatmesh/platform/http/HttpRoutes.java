package io.chatmesh.platform.http;

import com.linecorp.armeria.server.ServerBuilder;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * What a service serves on its HTTP port besides health and metrics ({@link HttpFace}): a bean
 * of this type per contribution (user-service's JWKS, the WebSocket bridges).
 */
@FunctionalInterface
public interface HttpRoutes {

    /** How often a WebSocket is pinged: well inside a proxy's idle timeout (Envoy: 5 min). */
    Duration WEB_SOCKET_PING_INTERVAL = Duration.ofSeconds(20);

    /**
     * What routes get to work with.
     *
     * @param self a channel to this service's own gRPC port
     * @param allowedOrigin the browser origins allowed to open WebSockets
     * @param maxFrameBytes the largest message the gRPC port accepts
     */
    record Context(Channel self, Predicate<String> allowedOrigin, int maxFrameBytes) {}

    void addTo(ServerBuilder server, Context context);

    /** {@code path} as a WebSocket bridge to this service's own {@code connect} method. */
    static HttpRoutes webSocket(String path, MethodDescriptor<?, ?> connect) {
        return (server, context) -> server.service(path, WebSocketBridge.service(context.self(), connect,
                context.allowedOrigin(), context.maxFrameBytes(), WEB_SOCKET_PING_INTERVAL));
    }
}
