package io.chatmesh.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.Durations;
import io.chatmesh.ops.Contracts.Method;
import io.chatmesh.ops.Mesh.Destination;
import io.chatmesh.ops.RouteMatching.Request;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** envoy/gateway.yaml routes exactly docs/edge.md's table, checked against every method in proto/. */
class GatewayRoutesTest {

    private static final EnvoyFile GATEWAY = EnvoyFile.gateway();
    private static final HttpConnectionManager MANAGER =
            EnvoyFile.connectionManager(GATEWAY.listener("public_https"));
    private static final List<Route> ROUTES = MANAGER.getRouteConfig().getVirtualHosts(0).getRoutesList();
    private static final List<String> GRPC_WEB_CONTENT_TYPES = List.of("application/grpc-web",
            "application/grpc-web+proto", "application/grpc-web-text", "application/grpc-web-text+proto");
    /** Reads by the contracts' naming: they change nothing, so a retry on another instance is safe. */
    private static final Pattern IDEMPOTENT_READ = Pattern.compile("(Get|List|Search|BatchGet)[A-Z].*");
    private static final Set<String> SAFE_RETRY_CONDITIONS = Set.of("unavailable", "connect-failure", "refused-stream", "reset");

    /**
     * A service added to proto/ without a gateway route fails here: the descriptor set is compiled
     * from every .proto file, so its methods are among publicMethods(); Contracts.owner() fails for
     * a service nobody serves yet, and once it has an owner its paths still match no route, because
     * every route names one service literally (exact path, prefix or regex) and none catches
     * "/chatmesh." in general. The same holds for a new method of a service whose routes are
     * per-method only (none are: each service ends in a prefix route).
     */
    @Test
    void everyPublicMethodReachesTheGrpcPortOfTheServiceThatServesIt() {
        List<Method> methods = Contracts.publicMethods();
        assertThat(methods).extracting(Method::service).contains("chatmesh.user.v1.UserService",
                "chatmesh.chat.v1.ChatService", "chatmesh.signaling.v1.SignalingService");

        for (Method method : methods) {
            Deployable owner = Contracts.owner(method.service());
            Destination expected = new Destination(owner, owner.grpcPort());
            assertThat(destination(Request.grpc(method.path()))).as("gRPC %s", method.fullName()).isEqualTo(expected);
            if (!method.clientStreaming()) {
                for (String contentType : GRPC_WEB_CONTENT_TYPES) {
                    assertThat(destination(Request.grpcWeb(method.path(), contentType)))
                            .as("%s %s", contentType, method.fullName()).isEqualTo(expected);
                }
            }
        }
    }

    /** 404 is Envoy's answer to an unrouted path; gRPC and gRPC-Web callers get it as UNIMPLEMENTED. */
    @Test
    void internalServicesAreAnsweredNotFoundWhichGrpcCallersSeeAsUnimplemented() {
        List<Method> internal = Contracts.internalMethods();
        assertThat(internal).extracting(Method::service).contains("chatmesh.room.internal.v1.MembershipService");

        for (Method method : internal) {
            for (Request request : List.of(Request.grpc(method.path()),
                    Request.grpcWeb(method.path(), "application/grpc-web+proto"))) {
                Route route = route(request);
                assertThat(route.hasDirectResponse()).as("%s is answered by the gateway itself", request).isTrue();
                assertThat(route.getDirectResponse().getStatus()).isEqualTo(404);
            }
        }
    }

    @Test
    void streamsFromTheClientAreRefusedOverGrpcWebAndCarriedByAWebSocketInstead() {
        List<Method> clientStreaming = Contracts.publicMethods().stream().filter(Method::clientStreaming).toList();
        assertThat(clientStreaming).extracting(Method::fullName).contains("chatmesh.chat.v1.ChatService/Connect");

        for (Method method : clientStreaming) {
            for (String contentType : GRPC_WEB_CONTENT_TYPES) {
                Route route = route(Request.grpcWeb(method.path(), contentType));
                assertThat(route.hasDirectResponse()).as("%s over %s", method.fullName(), contentType).isTrue();
                assertThat(route.getDirectResponse().getStatus()).isEqualTo(404);
            }
        }
        assertThat(Contracts.WEB_SOCKETS.values()).as("every such stream has a WebSocket")
                .containsExactlyInAnyOrderElementsOf(clientStreaming.stream().map(Method::fullName).toList());
    }

    @Test
    void streamsHaveNoTimeLimitAndAnIdleTimeoutLongerThanTheHeartbeats() {
        Duration heartbeat = Contracts.longestHeartbeat();
        assertThat(seconds(MANAGER.getStreamIdleTimeout())).isGreaterThan(heartbeat.toSeconds());
        assertThat(MANAGER.getCommonHttpProtocolOptions().hasMaxStreamDuration()).isFalse();

        List<String> streams = Contracts.publicMethods().stream().filter(Method::streaming).map(Method::path)
                .collect(Collectors.toList());
        assertThat(streams).contains("/chatmesh.signaling.v1.SignalingService/Connect",
                "/chatmesh.message.v1.MessageService/DownloadAttachment");
        streams.addAll(Contracts.HEALTH_PATHS);
        for (String path : streams) {
            RouteAction action = route(Request.grpc(path)).getRoute();
            assertThat(action.hasTimeout() && seconds(action.getTimeout()) == 0).as("%s: no route timeout", path).isTrue();
            assertThat(action.getMaxStreamDuration().hasGrpcTimeoutHeaderMax()).as("%s: grpc-timeout decides", path).isTrue();
            assertThat(seconds(action.getMaxStreamDuration().getGrpcTimeoutHeaderMax())).as("uncapped").isZero();
            assertThat(seconds(action.getMaxStreamDuration().getMaxStreamDuration())).as("%s: no stream limit", path).isZero();
            assertThat(seconds(action.getIdleTimeout())).as("%s idle timeout", path).isGreaterThan(heartbeat.toSeconds());
        }
    }

    /** With max_stream_duration on a route Envoy ignores its timeout: the stream limit is the deadline. */
    @Test
    void unaryCallsRunUntilTheCallersDeadlineAndWithoutOneForAtMostTheStreamLimit() {
        for (Method method : Contracts.publicMethods().stream().filter(method -> !method.streaming()).toList()) {
            RouteAction action = route(Request.grpc(method.path())).getRoute();
            assertThat(action.hasMaxStreamDuration()).as(method.fullName()).isTrue();
            assertThat(action.getMaxStreamDuration().hasGrpcTimeoutHeaderMax()).isTrue();
            assertThat(seconds(action.getMaxStreamDuration().getGrpcTimeoutHeaderMax())).as("uncapped").isZero();
            assertThat(seconds(action.getMaxStreamDuration().getMaxStreamDuration())).as("%s without a deadline",
                    method.fullName()).isBetween(5L, 60L);
        }
    }

    @Test
    void onlyIdempotentReadsAreRetried() {
        Set<String> retried = new TreeSet<>();
        Set<String> reads = new TreeSet<>();
        for (Method method : Contracts.publicMethods()) {
            RouteAction action = route(Request.grpc(method.path())).getRoute();
            if (action.hasRetryPolicy()) {
                retried.add(method.fullName());
                var policy = action.getRetryPolicy();
                assertThat(policy.getRetryOn().split(",")).as(method.fullName()).isSubsetOf(SAFE_RETRY_CONDITIONS);
                assertThat(policy.getNumRetries().getValue()).isBetween(1, 3);
                assertThat(policy.getRetryHostPredicateList()).extracting(predicate -> predicate.getName())
                        .as("a retry goes to another instance").contains("envoy.retry_host_predicates.previous_hosts");
            }
            if (!method.streaming() && IDEMPOTENT_READ.matcher(method.name()).matches()) {
                reads.add(method.fullName());
            }
        }
        assertThat(retried).isEqualTo(reads).contains("chatmesh.user.v1.UserService/GetJwks",
                "chatmesh.message.v1.MessageService/ListMessages", "chatmesh.room.v1.RoomService/GetRoom");
        assertThat(retried).doesNotContain("chatmesh.chat.v1.ChatService/SendMessage",
                "chatmesh.user.v1.UserService/LogOut", "chatmesh.user.v1.UserService/SignUp",
                "chatmesh.message.v1.MessageService/MarkRead", "chatmesh.user.v1.UserService/WatchPresence");
    }

    @Test
    void webSocketsUpgradeToTheHttpPortOfTheServiceThatServesTheirStream() {
        Duration ping = Contracts.longestHeartbeat();
        for (var webSocket : Contracts.WEB_SOCKETS.entrySet()) {
            Request request = Request.webSocket(webSocket.getKey());
            RouteAction action = route(request).getRoute();
            assertThat(action.getUpgradeConfigsList()).as(webSocket.getKey()).anySatisfy(upgrade -> {
                assertThat(upgrade.getUpgradeType()).isEqualTo("websocket");
                assertThat(!upgrade.hasEnabled() || upgrade.getEnabled().getValue()).isTrue();
            });
            assertThat(action.hasTimeout() && seconds(action.getTimeout()) == 0).as("a socket lives on").isTrue();
            assertThat(seconds(action.getIdleTimeout())).isGreaterThan(ping.toSeconds());

            Deployable owner = Contracts.owner(webSocket.getValue().substring(0, webSocket.getValue().indexOf('/')));
            assertThat(Mesh.follow(GATEWAY, action.getCluster(), request))
                    .isEqualTo(new Destination(owner, owner.httpPort()));
            var sidecarHttp = EnvoyFile.connectionManager(EnvoyFile.sidecar(owner).listener("inbound_http"));
            assertThat(sidecarHttp.getUpgradeConfigsList()).extracting(upgrade -> upgrade.getUpgradeType())
                    .as("%s's sidecar passes the upgrade on", owner.serviceName()).contains("websocket");
        }
        assertThat(ROUTES).filteredOn(route -> route.hasRoute() && route.getRoute().getUpgradeConfigsCount() > 0)
                .extracting(route -> route.getMatch().getPath())
                .containsExactlyInAnyOrderElementsOf(Contracts.WEB_SOCKETS.keySet());
    }

    @Test
    void healthGoesToUserServiceAndNothingOutsideTheTableIsRouted() {
        for (String path : Contracts.HEALTH_PATHS) {
            Destination health = destination(Request.grpc(path));
            assertThat(health).isEqualTo(new Destination(Deployable.USER_SERVICE, Deployable.USER_SERVICE.grpcPort()));
        }
        for (Request request : List.of(
                Request.grpc("/grpc.reflection.v1.ServerReflection/ServerReflectionInfo"),
                Request.grpc("/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"),
                Request.grpc("/chatmesh.user.v2.UserService/GetMe"),
                Request.grpc("/chatmesh.chat.v1.ChatServiceX/Connect"),
                Request.get("/"), Request.get("/metrics"), Request.get("/ws/other"))) {
            assertThat(RouteMatching.firstRoute(ROUTES, request)).as("%s", request).isEmpty();
        }
        assertThat(Arrays.stream(Deployable.values()).map(Deployable::serviceName))
                .as("every process is behind the gateway").containsExactlyInAnyOrderElementsOf(
                        Contracts.publicMethods().stream().map(method -> Contracts.owner(method.service()).serviceName())
                                .collect(Collectors.toSet()));
    }

    private static Route route(Request request) {
        return RouteMatching.firstRoute(ROUTES, request)
                .orElseThrow(() -> new AssertionError("the gateway routes no " + request));
    }

    private static Destination destination(Request request) {
        Route route = route(request);
        assertThat(route.hasRoute()).as("%s goes to a service", request).isTrue();
        return Mesh.follow(GATEWAY, route.getRoute().getCluster(), request);
    }

    private static long seconds(com.google.protobuf.Duration duration) {
        return Durations.toSeconds(duration);
    }
}
