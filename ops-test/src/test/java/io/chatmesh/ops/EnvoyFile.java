package io.chatmesh.ops;

import com.google.gson.GsonBuilder;
import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.TypeRegistry;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.access_loggers.stream.v3.StdoutAccessLog;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.Cors;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.CorsPolicy;
import io.envoyproxy.envoy.extensions.filters.http.grpc_web.v3.GrpcWeb;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.resource_monitors.downstream_connections.v3.DownstreamConnectionsConfig;
import io.envoyproxy.envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * One file of envoy/, parsed strictly into Envoy's v3 {@link Bootstrap}: an unknown field
 * (also inside a typed_config), an unknown {@code @type} or enum value fails the parse, as it
 * would fail {@code envoy --mode validate}. Envoy's required-field (PGV) rules are not checked
 * here; the tests check names, references, ports and timeouts themselves.
 */
record EnvoyFile(Path path, Bootstrap bootstrap) {

    /** Every typed_config the files may use. A type missing here fails the parse, like an unknown one. */
    static final TypeRegistry TYPED_CONFIGS = TypeRegistry.newBuilder()
            .add(HttpConnectionManager.getDescriptor())
            .add(Router.getDescriptor())
            .add(GrpcWeb.getDescriptor())
            .add(Cors.getDescriptor())
            .add(CorsPolicy.getDescriptor())
            .add(JwtAuthentication.getDescriptor())
            .add(LocalRateLimit.getDescriptor())
            .add(io.envoyproxy.envoy.extensions.filters.http.health_check.v3.HealthCheck.getDescriptor())
            .add(io.envoyproxy.envoy.extensions.http.early_header_mutation.header_mutation.v3.HeaderMutation
                    .getDescriptor())
            .add(DownstreamTlsContext.getDescriptor())
            .add(UpstreamTlsContext.getDescriptor())
            .add(HttpProtocolOptions.getDescriptor())
            .add(PreviousHostsPredicate.getDescriptor())
            .add(StdoutAccessLog.getDescriptor())
            .add(DownstreamConnectionsConfig.getDescriptor())
            .build();

    /** The checkout (set by the pom; the module directory's parent when run from an IDE). */
    static Path root() {
        return Path.of(System.getProperty("chatmesh.root", "..")).toAbsolutePath().normalize();
    }

    static Path directory() {
        return root().resolve("envoy");
    }

    static List<Path> all() {
        try (Stream<Path> files = Files.list(directory())) {
            return files.filter(file -> file.getFileName().toString().endsWith(".yaml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<EnvoyFile> loadAll() {
        return all().stream().map(EnvoyFile::load).toList();
    }

    static EnvoyFile gateway() {
        return load(directory().resolve("gateway.yaml"));
    }

    static EnvoyFile sidecar(Deployable deployable) {
        return load(directory().resolve("sidecar-" + deployable.serviceName() + ".yaml"));
    }

    static EnvoyFile load(Path path) {
        try {
            return new EnvoyFile(path, parse(Files.readString(path)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** YAML (anchors and aliases resolved, as Envoy does) to JSON to the v3 protos, rejecting anything unknown. */
    static Bootstrap parse(String yaml) throws InvalidProtocolBufferException {
        Object tree = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
        String json = new GsonBuilder().disableHtmlEscaping().create().toJson(tree);
        Bootstrap.Builder bootstrap = Bootstrap.newBuilder();
        JsonFormat.parser().usingTypeRegistry(TYPED_CONFIGS).merge(json, bootstrap);
        return bootstrap.build();
    }

    /** Who this Envoy is in the mesh: "gateway", or the service it is the sidecar of. */
    String identity() {
        String name = path.getFileName().toString().replaceFirst("\\.yaml$", "");
        return name.startsWith("sidecar-") ? name.substring("sidecar-".length()) : name;
    }

    Listener listener(String name) {
        return bootstrap.getStaticResources().getListenersList().stream()
                .filter(listener -> listener.getName().equals(name)).findFirst()
                .orElseThrow(() -> new NoSuchElementException(path + " has no listener " + name));
    }

    Listener listenerOnPort(int port) {
        return bootstrap.getStaticResources().getListenersList().stream()
                .filter(listener -> listener.getAddress().getSocketAddress().getPortValue() == port).findFirst()
                .orElseThrow(() -> new NoSuchElementException(path + " listens on no port " + port));
    }

    Cluster cluster(String name) {
        return bootstrap.getStaticResources().getClustersList().stream()
                .filter(cluster -> cluster.getName().equals(name)).findFirst()
                .orElseThrow(() -> new NoSuchElementException(path + " has no cluster " + name));
    }

    /** The CORS policy of a listener's (first) virtual host. */
    CorsPolicy corsPolicy(String listenerName) {
        return unpack(connectionManager(listener(listenerName)).getRouteConfig().getVirtualHosts(0)
                .getTypedPerFilterConfigOrThrow("envoy.filters.http.cors"), CorsPolicy.class);
    }

    /** The certificate a TLS listener presents: the files it reads. */
    TlsCertificate certificate(String listenerName) {
        return downstreamTls(listener(listenerName)).getCommonTlsContext().getTlsCertificates(0);
    }

    /** The one address a cluster sends to (every cluster here names exactly one host: a DNS name or loopback). */
    static SocketAddress endpoint(Cluster cluster) {
        var endpoints = cluster.getLoadAssignment().getEndpointsList().stream()
                .flatMap(locality -> locality.getLbEndpointsList().stream())
                .map(endpoint -> endpoint.getEndpoint().getAddress().getSocketAddress()).toList();
        if (endpoints.size() != 1) {
            throw new IllegalStateException(cluster.getName() + " has " + endpoints.size() + " endpoints, not one");
        }
        return endpoints.getFirst();
    }

    /** The HTTP connection manager of a listener with one filter chain. */
    static HttpConnectionManager connectionManager(Listener listener) {
        if (listener.getFilterChainsCount() != 1 || listener.getFilterChains(0).getFiltersCount() != 1) {
            throw new IllegalStateException(listener.getName() + " is not one filter chain with one filter");
        }
        return unpack(listener.getFilterChains(0).getFilters(0).getTypedConfig(), HttpConnectionManager.class);
    }

    /** The TLS settings of a listener's filter chain, or null for plaintext. */
    static DownstreamTlsContext downstreamTls(Listener listener) {
        var chain = listener.getFilterChains(0);
        return chain.hasTransportSocket()
                ? unpack(chain.getTransportSocket().getTypedConfig(), DownstreamTlsContext.class)
                : null;
    }

    static UpstreamTlsContext upstreamTls(Cluster cluster) {
        return unpack(cluster.getTransportSocket().getTypedConfig(), UpstreamTlsContext.class);
    }

    static HttpProtocolOptions protocolOptions(Cluster cluster) {
        return unpack(cluster.getTypedExtensionProtocolOptionsOrThrow(
                "envoy.extensions.upstreams.http.v3.HttpProtocolOptions"), HttpProtocolOptions.class);
    }

    static <T extends Message> T httpFilter(HttpConnectionManager manager, String name, Class<T> type) {
        HttpFilter filter = manager.getHttpFiltersList().stream()
                .filter(candidate -> candidate.getName().equals(name)).findFirst()
                .orElseThrow(() -> new NoSuchElementException("no HTTP filter " + name));
        return unpack(filter.getTypedConfig(), type);
    }

    static <T extends Message> T unpack(Any any, Class<T> type) {
        try {
            return any.unpack(type);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(any.getTypeUrl() + " is not a " + type.getSimpleName(), e);
        }
    }
}
