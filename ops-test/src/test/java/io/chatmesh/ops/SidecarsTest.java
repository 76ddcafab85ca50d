package io.chatmesh.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.Durations;
import io.chatmesh.ops.Mesh.Destination;
import io.chatmesh.ops.RouteMatching.Request;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * envoy/sidecar-<service>.yaml: each service's calls come in over mTLS to its loopback ports, and
 * go out to the services it has channels to (its prod profile) through loopback egress listeners.
 */
class SidecarsTest {

    private static final String SOME_METHOD = "/chatmesh.any.v1.Service/Method";

    @Test
    void inboundTrafficReachesTheServicesOwnLoopbackPorts() {
        for (Deployable service : Deployable.values()) {
            EnvoyFile sidecar = EnvoyFile.sidecar(service);
            assertThat(localDestination(sidecar, "inbound_grpc", Request.grpc(SOME_METHOD)))
                    .as("%s gRPC", service).isEqualTo(service.grpcPort());
            assertThat(localDestination(sidecar, "inbound_http", Request.get("/healthz")))
                    .as("%s HTTP", service).isEqualTo(service.httpPort());
            for (String name : Set.of("inbound_grpc", "inbound_http")) {
                Listener listener = sidecar.listener(name);
                assertThat(listener.getAddress().getSocketAddress().getAddress()).isEqualTo("0.0.0.0");
                assertThat(EnvoyFile.downstreamTls(listener).getRequireClientCertificate().getValue())
                        .as("%s %s is mTLS", service, name).isTrue();
            }
            assertThat(EnvoyFile.connectionManager(sidecar.listener("inbound_grpc")).getCodecType())
                    .as("gRPC only").isEqualTo(HttpConnectionManager.CodecType.HTTP2);
        }
    }

    /** Probes and Prometheus have no mesh certificate: they get health and metrics in plaintext, nothing else. */
    @Test
    void theOpsListenerServesOnlyHealthAndMetrics() {
        for (Deployable service : Deployable.values()) {
            EnvoyFile sidecar = EnvoyFile.sidecar(service);
            Listener ops = sidecar.listener("ops_http");
            assertThat(EnvoyFile.downstreamTls(ops)).isNull();
            for (String path : Set.of("/healthz", "/metrics")) {
                assertThat(localDestination(sidecar, "ops_http", Request.get(path))).isEqualTo(service.httpPort());
            }
            var routes = EnvoyFile.connectionManager(ops).getRouteConfig().getVirtualHosts(0).getRoutesList();
            for (Request request : Set.of(Request.get("/ws/chat"), Request.get("/.well-known/jwks.json"),
                    Request.grpc("/chatmesh.user.v1.UserService/GetMe"), Request.grpc("/healthz"))) {
                assertThat(RouteMatching.firstRoute(routes, request)).as("%s %s", service, request).isEmpty();
            }
        }
    }

    /** The services a service has a channel to are exactly the ones its sidecar has an egress listener for. */
    @Test
    void everyChannelGoesOutThroughAnEgressListenerThatTheReadmeNames() throws IOException {
        String readme = Files.readString(EnvoyFile.directory().resolve("README.md"));
        Map<String, Set<String>> calls = new TreeMap<>();
        for (Deployable service : Deployable.values()) {
            EnvoyFile sidecar = EnvoyFile.sidecar(service);
            Set<String> egress = sidecar.bootstrap().getStaticResources().getListenersList().stream()
                    .map(Listener::getName).filter(name -> name.startsWith("egress_"))
                    .collect(Collectors.toCollection(TreeSet::new));
            Set<String> expectedEgress = new TreeSet<>();
            for (String channel : service.channels()) {
                Deployable target = Contracts.CHANNEL_TARGETS.get(channel);
                assertThat(target).as("%s's channel %s", service, channel).isNotNull();
                calls.computeIfAbsent(service.serviceName(), key -> new TreeSet<>()).add(target.serviceName());
                String name = "egress_" + target.serviceName().replace('-', '_') + "_grpc";
                expectedEgress.add(name);

                Listener listener = sidecar.listener(name);
                var address = listener.getAddress().getSocketAddress();
                assertThat(address.getAddress()).as("egress is for the service beside it only").isEqualTo("127.0.0.1");
                assertThat(EnvoyFile.downstreamTls(listener)).as("the service speaks plaintext to it").isNull();
                var routes = EnvoyFile.connectionManager(listener).getRouteConfig().getVirtualHosts(0).getRoutesList();
                RouteAction action = RouteMatching.firstRoute(routes, Request.grpc(SOME_METHOD)).orElseThrow().getRoute();
                assertPassesStreamsAndDeadlines(action);
                assertThat(Mesh.follow(sidecar, action.getCluster(), Request.grpc(SOME_METHOD)))
                        .isEqualTo(new Destination(target, target.grpcPort()));
                assertThat(readme).as("envoy/README.md tells how to point %s at it", service).contains(
                        "CHATMESH_" + channel.toUpperCase(Locale.ROOT) + "_ADDRESS=static://127.0.0.1:" + address.getPortValue());
            }
            assertThat(egress).as(service.serviceName()).isEqualTo(expectedEgress);
        }
        assertThat(calls).as("who calls whom (the services' prod profiles)").isEqualTo(Map.of(
                "user-service", Set.of("chat-service"),
                "chat-service", Set.of("user-service", "message-service"),
                "message-service", Set.of("user-service", "chat-service"),
                "signaling-service", Set.of("user-service", "chat-service")));
    }

    /** A service's gRPC port admits the gateway and the services with a channel to it; its HTTP port the gateway only. */
    @Test
    void eachServiceAdmitsExactlyItsCallers() {
        for (Deployable service : Deployable.values()) {
            Set<String> callers = new TreeSet<>(Set.of(Deployable.identityOf("gateway")));
            for (Deployable caller : Deployable.values()) {
                if (caller.channels().stream().map(Contracts.CHANNEL_TARGETS::get).anyMatch(service::equals)) {
                    callers.add(caller.identity());
                }
            }
            EnvoyFile sidecar = EnvoyFile.sidecar(service);
            assertThat(Mesh.allowedCallers(sidecar.listener("inbound_grpc"))).as("%s gRPC", service).isEqualTo(callers);
            assertThat(Mesh.allowedCallers(sidecar.listener("inbound_http"))).as("%s HTTP", service)
                    .containsExactly(Deployable.identityOf("gateway"));
        }
    }

    @Test
    void inboundPassesStreamsAndDeadlinesAndOutlivesTheHeartbeats() {
        long heartbeat = Contracts.longestHeartbeat().toSeconds();
        for (Deployable service : Deployable.values()) {
            EnvoyFile sidecar = EnvoyFile.sidecar(service);
            for (Listener listener : sidecar.bootstrap().getStaticResources().getListenersList()) {
                if (listener.getName().equals("ops_http")) {
                    continue;
                }
                var manager = EnvoyFile.connectionManager(listener);
                assertThat(Durations.toSeconds(manager.getStreamIdleTimeout()))
                        .as("%s %s", service, listener.getName()).isGreaterThan(heartbeat);
                var routes = manager.getRouteConfig().getVirtualHosts(0).getRoutesList();
                RouteAction action = RouteMatching.firstRoute(routes, Request.grpc(SOME_METHOD)).orElseThrow().getRoute();
                assertThat(action.hasTimeout() && Durations.toSeconds(action.getTimeout()) == 0)
                        .as("%s %s: no route timeout", service, listener.getName()).isTrue();
                if (!listener.getName().equals("inbound_http")) {
                    assertPassesStreamsAndDeadlines(action);
                }
            }
        }
    }

    /** A service's cluster is the same wherever it is used: the gateway's and every sidecar's. */
    @Test
    void aServicesClusterIsDefinedTheSameEverywhere() {
        Map<String, Cluster> gateway = EnvoyFile.gateway().bootstrap().getStaticResources().getClustersList().stream()
                .collect(Collectors.toMap(Cluster::getName, cluster -> cluster));
        for (Deployable service : Deployable.values()) {
            for (Cluster cluster : EnvoyFile.sidecar(service).bootstrap().getStaticResources().getClustersList()) {
                if (cluster.getName().startsWith("local_")) {
                    // the one instance beside it takes every stream and socket its callers open
                    assertThat(EnvoyFile.endpoint(cluster).getAddress()).isEqualTo("127.0.0.1");
                    assertThat(cluster.getCircuitBreakers().getThresholds(0).getMaxRequests().getValue())
                            .isGreaterThan(1024);
                    assertThat(cluster.getCircuitBreakers().getThresholds(0).getMaxConnections().getValue())
                            .isGreaterThan(1024);
                    continue;
                }
                assertThat(gateway).as("%s's %s", service, cluster.getName()).containsKey(cluster.getName());
                assertThat(cluster).as("%s's %s", service, cluster.getName()).isEqualTo(gateway.get(cluster.getName()));
            }
        }
    }

    private static void assertPassesStreamsAndDeadlines(RouteAction action) {
        assertThat(Durations.toSeconds(action.getTimeout())).isZero();
        assertThat(action.getMaxStreamDuration().hasGrpcTimeoutHeaderMax()).as("the caller's grpc-timeout decides").isTrue();
        assertThat(Durations.toSeconds(action.getMaxStreamDuration().getGrpcTimeoutHeaderMax())).isZero();
        assertThat(Durations.toSeconds(action.getMaxStreamDuration().getMaxStreamDuration())).isZero();
    }

    /** Where a sidecar's listener hands a request: the loopback port of its local cluster. */
    private static int localDestination(EnvoyFile sidecar, String listenerName, Request request) {
        var routes = EnvoyFile.connectionManager(sidecar.listener(listenerName)).getRouteConfig()
                .getVirtualHosts(0).getRoutesList();
        var route = RouteMatching.firstRoute(routes, request).orElseThrow(
                () -> new AssertionError(sidecar.path().getFileName() + " " + listenerName + " routes no " + request));
        var endpoint = EnvoyFile.endpoint(sidecar.cluster(route.getRoute().getCluster()));
        assertThat(endpoint.getAddress()).isEqualTo("127.0.0.1");
        return endpoint.getPortValue();
    }
}
