package io.chatmesh.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.Durations;
import io.chatmesh.ops.Contracts.Method;
import io.chatmesh.ops.RouteMatching.Request;
import io.chatmesh.platform.auth.AccessTokens;
import io.chatmesh.platform.auth.AuthPolicy;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.CorsPolicy;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwtProvider;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.RequirementRule;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.PathWithEscapedSlashesAction;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.http.early_header_mutation.header_mutation.v3.HeaderMutation;
import io.envoyproxy.envoy.type.v3.FractionalPercent.DenominatorType;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** envoy/gateway.yaml's filters, CORS, token checks, limits and upstream clusters. */
class GatewayPolicyTest {

    private static final EnvoyFile GATEWAY = EnvoyFile.gateway();
    private static final HttpConnectionManager MANAGER =
            EnvoyFile.connectionManager(GATEWAY.listener("public_https"));
    private static final List<Route> ROUTES = MANAGER.getRouteConfig().getVirtualHosts(0).getRoutesList();

    /** gRPC-Web is native gRPC before anyone looks; preflights are answered before tokens are asked for. */
    @Test
    void filtersRunInTheOrderTheEdgeNeeds() {
        assertThat(MANAGER.getHttpFiltersList()).extracting(HttpFilter::getName).containsExactly(
                "envoy.filters.http.health_check", "envoy.filters.http.grpc_web", "envoy.filters.http.cors",
                "envoy.filters.http.jwt_authn", "envoy.filters.http.local_ratelimit", "envoy.filters.http.router");
    }

    @Test
    void theListenerTerminatesTlsAndReadsPathsAsTheyResolve() {
        var tls = EnvoyFile.downstreamTls(GATEWAY.listener("public_https"));
        assertThat(tls.getCommonTlsContext().getTlsCertificates(0).getCertificateChain().getFilename())
                .isEqualTo("/etc/envoy/tls/gateway.crt");
        assertThat(tls.getCommonTlsContext().getTlsCertificates(0).getPrivateKey().getFilename())
                .isEqualTo("/etc/envoy/tls/gateway.key");
        assertThat(tls.getCommonTlsContext().getAlpnProtocolsList()).containsExactly("h2", "http/1.1");
        assertThat(tls.getRequireClientCertificate().getValue()).as("browsers have no client certificate").isFalse();

        assertThat(MANAGER.getUseRemoteAddress().getValue()).isTrue();
        assertThat(MANAGER.getNormalizePath().getValue()).as("/a/../chatmesh.x.internal... is internal").isTrue();
        assertThat(MANAGER.getMergeSlashes()).isTrue();
        assertThat(MANAGER.getPathWithEscapedSlashesAction()).isEqualTo(PathWithEscapedSlashesAction.REJECT_REQUEST);
        assertThat(Durations.toSeconds(MANAGER.getCommonHttpProtocolOptions().getIdleTimeout()))
                .as("docs/edge.md: idle connections closed after 1 h").isEqualTo(3600);
    }

    @Test
    void corsLetsTheBrowserAppCallAndReadTheGrpcStatus() {
        CorsPolicy cors = GATEWAY.corsPolicy("public_https");
        assertThat(list(cors.getAllowMethods())).containsExactly("POST");
        assertThat(list(cors.getAllowHeaders())).containsExactlyInAnyOrder(
                "content-type", "x-grpc-web", "x-user-agent", "grpc-timeout", "authorization");
        assertThat(list(cors.getExposeHeaders())).containsExactlyInAnyOrder(
                "grpc-status", "grpc-message", "grpc-status-details-bin");
        assertThat(cors.getMaxAge()).as("preflight max age 1 h").isEqualTo("3600");
        assertThat(cors.getForwardNotMatchingPreflights().getValue())
                .as("a foreign preflight is answered, never forwarded").isFalse();
        assertThat(cors.hasForwardNotMatchingPreflights()).isTrue();
        assertThat(cors.getAllowOriginStringMatchList()).isNotEmpty().allSatisfy(origin -> {
            assertThat(origin.hasExact()).as("origins are listed, not patterns").isTrue();
            URI uri = URI.create(origin.getExact());
            assertThat(uri.getScheme()).isIn("https", "http");
            assertThat(uri.getHost()).isNotBlank();
            assertThat(uri.getRawPath()).isEmpty();
        });
    }

    /**
     * Exactly the calls the services themselves let through without a token go through here
     * without one: every service's AuthPolicy public methods, health, and the WebSocket path of
     * each stream that carries its token in-band. Native gRPC streams still need the header.
     */
    @Test
    void tokensAreRequiredExceptWhereTheServicesThemselvesNeedNone() {
        Set<String> expected = new TreeSet<>(Contracts.HEALTH_PATHS);
        Set<String> inBand = new TreeSet<>();
        for (Deployable service : Deployable.values()) {
            AuthPolicy policy = service.authPolicy();
            policy.publicMethods().forEach(method -> expected.add("/" + method));
            inBand.addAll(policy.inBandTokenMethods());
        }
        assertThat(expected).contains("/chatmesh.user.v1.UserService/SignUp", "/chatmesh.user.v1.UserService/GetJwks");
        assertThat(inBand).as("in-band token streams are the WebSocket ones")
                .containsExactlyInAnyOrderElementsOf(Contracts.WEB_SOCKETS.values());
        expected.addAll(Contracts.WEB_SOCKETS.keySet());

        List<Request> requests = new ArrayList<>();
        Contracts.methods().forEach(method -> requests.add(Request.grpc(method.path())));
        Contracts.HEALTH_PATHS.forEach(path -> requests.add(Request.grpc(path)));
        Contracts.WEB_SOCKETS.keySet().forEach(path -> requests.add(Request.webSocket(path)));
        requests.add(Request.grpc("/grpc.reflection.v1.ServerReflection/ServerReflectionInfo"));
        requests.add(Request.grpc("/chatmesh.unknown.v1.Nobody/Call"));

        List<RequirementRule> rules = jwt().getRulesList();
        Set<String> withoutToken = requests.stream()
                .filter(request -> rules.stream().filter(rule -> RouteMatching.matches(rule.getMatch(), request))
                        .findFirst().map(rule -> !rule.hasRequires()).orElse(true))
                .map(Request::path).collect(Collectors.toCollection(TreeSet::new));
        assertThat(withoutToken).isEqualTo(expected);

        RequirementRule last = rules.getLast();
        assertThat(last.getMatch().getPrefix()).as("anything not exempted needs a token").isEqualTo("/");
        assertThat(last.getRequires().getProviderName()).isEqualTo("chatmesh");
    }

    @Test
    void tokensAreCheckedAsTheServicesCheckThemWithUserServicesKeys() throws ReflectiveOperationException {
        JwtAuthentication jwt = jwt();
        assertThat(jwt.getProvidersMap()).containsOnlyKeys("chatmesh");
        JwtProvider provider = jwt.getProvidersOrThrow("chatmesh");
        assertThat(provider.getIssuer()).isEqualTo(AccessTokens.ISSUER);
        assertThat(provider.getAudiencesList()).containsExactly(AccessTokens.AUDIENCE);
        assertThat(provider.getRequireExpiration()).isTrue();
        assertThat(Durations.toSeconds(provider.getMaxLifetime())).isEqualTo(AccessTokens.MAX_LIFETIME.toSeconds());
        assertThat(provider.getForward()).as("the services verify the token again").isTrue();
        assertThat(jwt.getBypassCorsPreflight()).isTrue();

        var jwks = provider.getRemoteJwks();
        var jwksPath = Class.forName("io.chatmesh.user.config.UserServiceConfiguration").getDeclaredField("JWKS_PATH");
        jwksPath.setAccessible(true);
        assertThat(URI.create(jwks.getHttpUri().getUri()).getPath()).isEqualTo(jwksPath.get(null));
        assertThat(Mesh.follow(GATEWAY, jwks.getHttpUri().getCluster(), Request.get((String) jwksPath.get(null))))
                .isEqualTo(new Mesh.Destination(Deployable.USER_SERVICE, Deployable.USER_SERVICE.httpPort()));
        assertThat(Durations.toSeconds(jwks.getCacheDuration())).isBetween(60L, 3600L);

        // the verified claims go on in a header that no client can set itself
        assertThat(provider.getForwardPayloadHeader()).isNotBlank();
        assertThat(MANAGER.getEarlyHeaderMutationExtensionsList()).anySatisfy(extension ->
                assertThat(EnvoyFile.unpack(extension.getTypedConfig(), HeaderMutation.class).getMutationsList())
                        .anySatisfy(mutation -> assertThat(mutation.getRemove()).isEqualTo(provider.getForwardPayloadHeader())));
        // the gRPC-Web refusals are chosen on the content-type as it arrived: nothing may re-route
        // after the grpc_web filter rewrote it
        assertThat(provider.getClaimToHeadersList()).isEmpty();
        assertThat(provider.getClearRouteCache()).isFalse();
        assertThat(provider.getPayloadInMetadata()).isEmpty();
    }

    @Test
    void eachClientConnectionIsRateLimitedWithResourceExhausted() {
        LocalRateLimit limit = EnvoyFile.httpFilter(MANAGER, "envoy.filters.http.local_ratelimit", LocalRateLimit.class);
        assertThat(limit.getLocalRateLimitPerDownstreamConnection()).isTrue();
        assertThat(limit.getTokenBucket().getMaxTokens()).isPositive();
        assertThat(limit.getTokenBucket().getTokensPerFill().getValue()).isPositive();
        for (var percent : List.of(limit.getFilterEnabled().getDefaultValue(), limit.getFilterEnforced().getDefaultValue())) {
            assertThat(percent.getNumerator()).isEqualTo(100);
            assertThat(percent.getDenominator()).isEqualTo(DenominatorType.HUNDRED);
        }
        assertThat(limit.getRateLimitedAsResourceExhausted()).isTrue();
    }

    @Test
    void healthzIsHealthyWhileEveryServiceHasAHealthyInstance() {
        var health = EnvoyFile.httpFilter(MANAGER, "envoy.filters.http.health_check",
                io.envoyproxy.envoy.extensions.filters.http.health_check.v3.HealthCheck.class);
        assertThat(health.hasPassThroughMode()).isTrue();
        assertThat(health.getPassThroughMode().getValue()).as("answered by the gateway").isFalse();
        assertThat(health.getHeadersList()).singleElement().satisfies(header -> {
            assertThat(header.getName()).isEqualTo(":path");
            assertThat(header.getStringMatch().getExact()).isEqualTo("/healthz");
        });
        assertThat(health.getClusterMinHealthyPercentagesMap()).allSatisfy(
                (cluster, percent) -> assertThat(percent.getValue()).isPositive());
        assertThat(health.getClusterMinHealthyPercentagesMap().keySet()).isEqualTo(grpcClusters());
    }

    @Test
    void grpcGoesOverHttp2WithGrpcHealthChecksAndTheWebSocketsAndKeysOverHttp11() {
        Set<String> http11 = ROUTES.stream().filter(route -> route.hasRoute() && route.getRoute().getUpgradeConfigsCount() > 0)
                .map(route -> route.getRoute().getCluster()).collect(Collectors.toCollection(TreeSet::new));
        http11.add(jwt().getProvidersOrThrow("chatmesh").getRemoteJwks().getHttpUri().getCluster());
        assertThat(EnvoyFilesTest.clustersUsed(GATEWAY)).containsExactlyInAnyOrderElementsOf(
                concat(grpcClusters(), http11));

        for (String name : grpcClusters()) {
            Cluster cluster = GATEWAY.cluster(name);
            assertThat(EnvoyFile.protocolOptions(cluster).getExplicitHttpConfig().hasHttp2ProtocolOptions()).as(name).isTrue();
            assertThat(cluster.getHealthChecksList()).as(name).anySatisfy(check -> assertThat(check.hasGrpcHealthCheck()).isTrue());
            assertOutlierDetectionAndRoomForStreams(cluster);
        }
        for (String name : http11) {
            Cluster cluster = GATEWAY.cluster(name);
            assertThat(EnvoyFile.protocolOptions(cluster).getExplicitHttpConfig().hasHttpProtocolOptions()).as(name).isTrue();
            assertThat(cluster.getHealthChecksList()).as(name).anySatisfy(
                    check -> assertThat(check.getHttpHealthCheck().getPath()).isEqualTo("/healthz"));
            assertOutlierDetectionAndRoomForStreams(cluster);
        }
    }

    /** Envoy's default circuit breakers (1024 connections, 1024 requests) would cap open streams and sockets. */
    static void assertOutlierDetectionAndRoomForStreams(Cluster cluster) {
        assertThat(cluster.hasOutlierDetection()).as("%s ejects failing instances", cluster.getName()).isTrue();
        assertThat(cluster.getCircuitBreakers().getThresholdsList()).as(cluster.getName()).singleElement().satisfies(limits -> {
            assertThat(limits.getMaxRequests().getValue()).isGreaterThan(1024);
            assertThat(limits.getMaxConnections().getValue()).isGreaterThan(1024);
        });
    }

    /** The clusters the public gRPC methods are routed to. */
    private static Set<String> grpcClusters() {
        return Contracts.publicMethods().stream().map(Method::path)
                .map(path -> RouteMatching.firstRoute(ROUTES, Request.grpc(path))
                        .orElseThrow(() -> new AssertionError("the gateway routes no " + path)))
                .map(route -> route.getRoute().getCluster()).collect(Collectors.toCollection(TreeSet::new));
    }

    private static JwtAuthentication jwt() {
        return EnvoyFile.httpFilter(MANAGER, "envoy.filters.http.jwt_authn", JwtAuthentication.class);
    }

    private static List<String> list(String commaSeparated) {
        return Arrays.stream(commaSeparated.split(",")).map(String::trim).toList();
    }

    private static Set<String> concat(Set<String> a, Set<String> b) {
        Set<String> all = new TreeSet<>(a);
        all.addAll(b);
        return all;
    }
}
