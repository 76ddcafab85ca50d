package io.chatmesh.platform.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link ClientCallMetrics} over a real socket: every call made, by method and status, however it ends. */
class ClientCallMetricsTest {

    private static final String CHECK = "grpc.health.v1.Health/Check";

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private Server server;
    private ManagedChannel channel;
    private HealthGrpc.HealthBlockingStub health;

    @BeforeEach
    void start() throws Exception {
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new HealthStatusManager().getHealthService()).build().start();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
        health = HealthGrpc.newBlockingStub(ClientInterceptors.intercept(channel, new ClientCallMetrics(registry)));
    }

    @AfterEach
    void stop() throws Exception {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void callsAreTimedByMethodAndStatus() {
        HealthCheckRequest overall = HealthCheckRequest.getDefaultInstance();
        assertThat(check(overall).getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
        assertThat(check(overall).getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
        assertThatThrownBy(() -> check(HealthCheckRequest.newBuilder().setService("no.such.Service").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));

        assertThat(count(CHECK, "OK")).isEqualTo(2);
        assertThat(count(CHECK, "NOT_FOUND")).isEqualTo(1);
    }

    @Test
    void aCallThatNeverReachedTheServerCountsWithItsStatus() throws Exception {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        assertThatThrownBy(() -> check(HealthCheckRequest.getDefaultInstance()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
        assertThat(count(CHECK, "UNAVAILABLE")).isEqualTo(1);
    }

    private HealthCheckResponse check(HealthCheckRequest request) {
        return health.withDeadlineAfter(5, TimeUnit.SECONDS).check(request);
    }

    private long count(String method, String code) {
        return registry.get("chatmesh.grpc.client.calls").tags("method", method, "code", code).timer().count();
    }
}
