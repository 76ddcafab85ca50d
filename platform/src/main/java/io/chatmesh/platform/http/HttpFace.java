package io.chatmesh.platform.http;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.ServerBuilder;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.ApplicationListener;
import org.springframework.grpc.server.lifecycle.GrpcServerStartedEvent;

/**
 * A service's HTTP port beside its gRPC port, on Armeria: {@code GET /healthz} (200 while the
 * service serves), {@code GET /metrics} (Prometheus text), and what the service adds
 * ({@link HttpRoutes}: JWKS, the WebSocket bridges). This is what Envoy routes HTTP to and what
 * Prometheus scrapes. It starts once the gRPC server serves, because routes may call it.
 */
public final class HttpFace implements ApplicationListener<GrpcServerStartedEvent>, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(HttpFace.class);
    /** How long a stop may take before shutdown goes on without it (no graceful period is set). */
    private static final Duration STOP_WAIT = Duration.ofSeconds(10);

    private final String service;
    private final HttpProperties properties;
    private final List<HttpRoutes> routes;
    private final PrometheusMeterRegistry prometheus;
    private final int maxFrameBytes;
    private ManagedChannel self;
    private Server server;
    private volatile boolean serving;

    /** @param prometheus the service's Prometheus registry; null: no {@code /metrics} */
    public HttpFace(String service, HttpProperties properties, List<HttpRoutes> routes,
            PrometheusMeterRegistry prometheus, int maxFrameBytes) {
        this.service = service;
        this.properties = properties;
        this.routes = routes;
        this.prometheus = prometheus;
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    public synchronized void onApplicationEvent(GrpcServerStartedEvent started) {
        if (server != null) {
            return;
        }
        self = Grpc.newChannelBuilderForAddress(loopbackOf(started.getServer().getListenSockets()), started.getPort(),
                InsecureChannelCredentials.create()).build();
        Set<String> origins = Set.copyOf(properties.allowedOrigins());
        HttpRoutes.Context context = new HttpRoutes.Context(self, origins::contains, maxFrameBytes);
        ServerBuilder builder = Server.builder()
                .http(new InetSocketAddress(properties.host(), properties.port()))
                .meterRegistry(new CompositeMeterRegistry()) // keep Armeria's own meters out of /metrics
                .requestTimeout(Duration.ZERO) // WebSockets live as long as their streams
                .service("/healthz", (ctx, request) -> serving
                        ? HttpResponse.of(HttpStatus.OK, MediaType.PLAIN_TEXT_UTF_8, "SERVING")
                        : HttpResponse.of(HttpStatus.SERVICE_UNAVAILABLE, MediaType.PLAIN_TEXT_UTF_8, "NOT_SERVING"));
        if (prometheus != null) {
            builder.service("/metrics", (ctx, request) -> HttpResponse.of(HttpStatus.OK,
                    MediaType.parse("text/plain; version=0.0.4; charset=utf-8"), prometheus.scrape()));
        }
        routes.forEach(route -> route.addTo(builder, context));
        server = builder.build();
        try {
            server.start().join();
        } catch (CompletionException e) {
            throw new IllegalStateException("cannot bind " + service + "'s HTTP port " + properties.host() + ":"
                    + properties.port() + " (chatmesh.http.port, CHATMESH_HTTP_PORT)", e.getCause());
        }
        serving = true;
        log.info("{} serving HTTP on {}:{}", service, properties.host(), server.activeLocalPort());
    }

    /** The bound port; -1 before the start. */
    public synchronized int port() {
        return server == null ? -1 : server.activeLocalPort();
    }

    @Override
    public synchronized void destroy() throws InterruptedException {
        serving = false;
        if (server != null) {
            ServerStop.stop(server, service + "'s HTTP port", STOP_WAIT);
            self.shutdown().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** Where this service's own gRPC port answers: its address, or loopback for a wildcard one. */
    private static String loopbackOf(List<? extends SocketAddress> listening) {
        for (SocketAddress address : listening) {
            if (address instanceof InetSocketAddress inet && !inet.getAddress().isAnyLocalAddress()) {
                return inet.getHostString();
            }
        }
        return InetAddress.getLoopbackAddress().getHostAddress();
    }
}
