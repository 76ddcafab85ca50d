package io.chatmesh.launcher;

import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.ServerCacheControl;
import com.linecorp.armeria.common.grpc.GrpcSerializationFormats;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.file.FileService;
import com.linecorp.armeria.server.grpc.GrpcService;
import com.linecorp.armeria.server.grpc.GrpcServiceBuilder;
import io.chatmesh.platform.http.ServerStop;
import io.chatmesh.platform.http.WebSocketBridge;
import io.chatmesh.proto.chat.v1.ChatServiceGrpc;
import io.chatmesh.proto.signaling.v1.SignalingServiceGrpc;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.protobuf.services.HealthStatusManager;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * One port in front of the four services, playing Envoy's part in the embedded run (docs/edge.md
 * is the route table both follow). On it, on Armeria:
 * <ul>
 *   <li>native gRPC (HTTP/2 cleartext) and gRPC-Web, binary and text (HTTP/1.1 or HTTP/2), for
 *       every public chatmesh service, each forwarded to the backend that owns it
 *       ({@link GrpcForwarding}); client and bidi streaming only over native gRPC;</li>
 *   <li>server reflection of all of them, and grpc.health.v1.Health for the edge ("") and for each
 *       routed service by name;</li>
 *   <li>CORS for the allowed origins on the gRPC routes, and {@code GET /healthz};</li>
 *   <li>{@code /ws/chat} and {@code /ws/signaling}: the two Connect streams over WebSocket, for
 *       browsers ({@link WebSocketBridge}), from the allowed origins;</li>
 *   <li>the web app's files ({@code GET /}, {@code /index.html}, {@code /assets/...}) from a
 *       directory, when there is one.</li>
 * </ul>
 */
final class GrpcEdge implements AutoCloseable {

    /** How long a stop lets open calls finish before it closes their connections. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);
    /** The WebSocket paths and the Connect method each bridges to. */
    private static final Map<String, MethodDescriptor<?, ?>> WEB_SOCKETS = Map.of(
            "/ws/chat", ChatServiceGrpc.getConnectMethod(),
            "/ws/signaling", SignalingServiceGrpc.getConnectMethod());
    /** How often a WebSocket is pinged: well inside a proxy's idle timeout (Envoy: 5 min). */
    private static final Duration WEB_SOCKET_PING_INTERVAL = Duration.ofSeconds(20);

    private final HealthStatusManager health = new HealthStatusManager();
    private final Server server;

    /**
     * @param routes each public service's descriptor and the channel of the backend serving it
     * @param corsOrigins origins allowed to call with gRPC-Web (e.g. "http://localhost:5173"); empty:
     *        the edge's own origin only (http://localhost:PORT, http://127.0.0.1:PORT, http://HOST:PORT)
     * @param webDir the built web app (web/dist) served at {@code /}; null, or without an index.html: none
     * @throws UncheckedIOException when the port cannot be bound
     */
    GrpcEdge(String host, int port, Map<ServiceDescriptor, Channel> routes, int maxRequestMessageBytes,
            List<String> corsOrigins, Path webDir) {
        Predicate<String> allowedOrigin = corsOrigins.isEmpty()
                ? origin -> ownOrigins(host).contains(origin) // asked only once the port is bound
                : Set.copyOf(corsOrigins)::contains;
        ServerBuilder builder = serverBuilder(host, port);
        // every POST is a gRPC call: an unknown or internal service is answered UNIMPLEMENTED, in gRPC
        builder.route().pathPrefix("/").methods(HttpMethod.POST)
                .decorator(EdgeCors.decorator(allowedOrigin))
                .build(grpcService(routes, maxRequestMessageBytes));
        builder.route().get(BackendHealthEndpoint.PATH).build(new BackendHealthEndpoint(routes.entrySet().stream()
                .collect(Collectors.toMap(route -> route.getKey().getName(), Map.Entry::getValue))));
        WEB_SOCKETS.forEach((path, connect) -> routes.forEach((service, backend) -> {
            if (service.getName().equals(connect.getServiceName())) {
                builder.service(path, WebSocketBridge.service(backend, connect, allowedOrigin, maxRequestMessageBytes,
                        WEB_SOCKET_PING_INTERVAL));
            }
        }));
        if (servesWebApp(webDir)) {
            // every other GET is a file of the app; the exact routes above (/healthz, /ws/*) come first
            builder.route().pathPrefix("/").methods(HttpMethod.GET, HttpMethod.HEAD)
                    .build(FileService.builder(webDir)
                            // index.html names its assets by content hash: asking again costs a 304
                            .cacheControl(ServerCacheControl.REVALIDATED)
                            .build());
        }
        server = builder.build();
        try {
            server.start().join();
        } catch (CompletionException e) {
            server.closeAsync();
            throw new UncheckedIOException("cannot bind the edge on " + host + ":" + port,
                    e.getCause() instanceof IOException cause ? cause : new IOException(e.getCause()));
        }
        // the edge starts last, once every service it routes to is up
        health.setStatus("", HealthCheckResponse.ServingStatus.SERVING);
        routes.keySet().forEach(service -> health.setStatus(service.getName(), HealthCheckResponse.ServingStatus.SERVING));
    }

    /** The edge without a web app (tests of the gRPC routes). */
    GrpcEdge(String host, int port, Map<ServiceDescriptor, Channel> routes, int maxRequestMessageBytes,
            List<String> corsOrigins) {
        this(host, port, routes, maxRequestMessageBytes, corsOrigins, null);
    }

    /** Whether {@code webDir} holds a built app (its index.html). */
    static boolean servesWebApp(Path webDir) {
        return webDir != null && Files.isRegularFile(webDir.resolve("index.html"));
    }

    int port() {
        return server.activeLocalPort();
    }

    /** Tells health watchers NOT_SERVING, then stops taking calls and lets open ones finish for a while. */
    @Override
    public void close() {
        health.enterTerminalState();
        try {
            ServerStop.stop(server, "the edge", STOP_GRACE.plusSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The forwarded services, health and reflection, as native gRPC and as gRPC-Web. */
    private GrpcService grpcService(Map<ServiceDescriptor, Channel> routes, int maxRequestMessageBytes) {
        GrpcServiceBuilder grpc = GrpcService.builder()
                .supportedSerializationFormats(GrpcSerializationFormats.PROTO, GrpcSerializationFormats.PROTO_WEB,
                        GrpcSerializationFormats.PROTO_WEB_TEXT)
                .maxRequestMessageLength(maxRequestMessageBytes)
                .intercept(new GrpcWebStreamingGuard())
                .addService(health.getHealthService());
        routes.forEach((service, backend) -> grpc.addService(GrpcForwarding.forward(service, backend)));
        EdgeReflection reflection = new EdgeReflection();
        GrpcService built = reflection.addTo(grpc).build();
        reflection.wire(built);
        return built;
    }

    private static ServerBuilder serverBuilder(String host, int port) {
        return Server.builder()
                .http(new InetSocketAddress(host, port))
                // the edge keeps no metrics yet: a composite registry without members records nothing,
                // where Micrometer's global one would mix them into the services' Prometheus output
                .meterRegistry(new CompositeMeterRegistry())
                // calls and streams last as long as their gRPC deadline (grpc-timeout), or for good;
                // the size limit is per message (maxRequestMessageLength), not per stream
                .requestTimeout(Duration.ZERO)
                .maxRequestLength(0)
                // a connection without calls closes after an hour, like Envoy's default (clients
                // reconnect by themselves). No HTTP/2 PINGs of its own: Armeria 1.36 also passes the
                // interval to the socket as TCP_KEEPIDLE, in ms where Linux takes seconds (at most 32767)
                .idleTimeout(Duration.ofHours(1), true)
                .gracefulShutdownTimeout(Duration.ZERO, STOP_GRACE);
    }

    /** The origins a page served by the edge itself would send. */
    private List<String> ownOrigins(String host) {
        int port = port();
        return List.of("http://localhost:" + port, "http://127.0.0.1:" + port, "http://" + host + ":" + port);
    }
}
