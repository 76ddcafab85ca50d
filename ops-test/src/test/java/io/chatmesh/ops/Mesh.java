package io.chatmesh.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatmesh.ops.RouteMatching.Request;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Follows a call from an Envoy (the gateway or a sidecar) through a mesh cluster to the service
 * process at the end, the way the call would travel: the cluster's host is a service, whose
 * sidecar listens on the cluster's port and routes to the service's loopback port. On the way it
 * checks that the mTLS handshake would succeed: the caller presents its mesh identity and expects
 * the target's; the target's listener demands a client certificate and admits the caller.
 */
final class Mesh {

    static final String MESH_CERTIFICATE = "/etc/envoy/mesh/tls.crt";
    static final String MESH_KEY = "/etc/envoy/mesh/tls.key";
    static final String MESH_CA = "/etc/envoy/mesh/ca.crt";

    /** A service process and the loopback port the call ends on. */
    record Destination(Deployable service, int port) {}

    private Mesh() {}

    static Destination follow(EnvoyFile from, String clusterName, Request request) {
        Cluster cluster = from.cluster(clusterName);
        SocketAddress address = EnvoyFile.endpoint(cluster);
        Deployable target = Deployable.named(address.getAddress());

        UpstreamTlsContext upstream = EnvoyFile.upstreamTls(cluster);
        assertThat(upstream.getSni()).as("%s SNI", clusterName).isEqualTo(target.serviceName());
        assertThat(upstream.getCommonTlsContext().getTlsCertificates(0).getCertificateChain().getFilename())
                .as("%s presents the mesh identity", clusterName).isEqualTo(MESH_CERTIFICATE);
        assertThat(upstream.getCommonTlsContext().getTlsCertificates(0).getPrivateKey().getFilename())
                .isEqualTo(MESH_KEY);
        CertificateValidationContext serverCheck = upstream.getCommonTlsContext().getValidationContext();
        assertThat(serverCheck.getTrustedCa().getFilename()).as("%s trusts the mesh CA", clusterName).isEqualTo(MESH_CA);
        assertThat(sanValues(serverCheck)).as("%s accepts only %s", clusterName, target.serviceName())
                .containsExactly(target.identity());

        EnvoyFile sidecar = EnvoyFile.sidecar(target);
        Listener listener = sidecar.listenerOnPort(address.getPortValue());
        DownstreamTlsContext downstream = EnvoyFile.downstreamTls(listener);
        assertThat(downstream).as("%s %s is mTLS", sidecar.path().getFileName(), listener.getName()).isNotNull();
        assertThat(downstream.getRequireClientCertificate().getValue()).as("client certificate required").isTrue();
        assertThat(downstream.getCommonTlsContext().getValidationContext().getTrustedCa().getFilename()).isEqualTo(MESH_CA);
        assertThat(allowedCallers(listener)).as("%s %s admits %s", sidecar.path().getFileName(), listener.getName(),
                from.identity()).contains(Deployable.identityOf(from.identity()));
        assertThat(downstream.getCommonTlsContext().getAlpnProtocolsList())
                .as("%s and %s speak the same protocol", clusterName, listener.getName())
                .containsAll(upstream.getCommonTlsContext().getAlpnProtocolsList());

        var routes = EnvoyFile.connectionManager(listener).getRouteConfig().getVirtualHosts(0).getRoutesList();
        Route route = RouteMatching.firstRoute(routes, request).orElseThrow(() -> new AssertionError(
                sidecar.path().getFileName() + " " + listener.getName() + " routes no " + request));
        SocketAddress local = EnvoyFile.endpoint(sidecar.cluster(route.getRoute().getCluster()));
        assertThat(local.getAddress()).as("a sidecar hands calls to its own service on loopback").isEqualTo("127.0.0.1");
        return new Destination(target, local.getPortValue());
    }

    /**
     * Where a plaintext GET to one of a service's sidecar ports ends (what Prometheus and probes do,
     * having no mesh certificate): the loopback port of the service beside it.
     */
    static int plaintextGet(Deployable service, int port, String path) {
        EnvoyFile sidecar = EnvoyFile.sidecar(service);
        Listener listener = sidecar.listenerOnPort(port);
        assertThat(EnvoyFile.downstreamTls(listener)).as("%s port %d is plaintext", service, port).isNull();
        var routes = EnvoyFile.connectionManager(listener).getRouteConfig().getVirtualHosts(0).getRoutesList();
        Route route = RouteMatching.firstRoute(routes, Request.get(path)).orElseThrow(() -> new AssertionError(
                sidecar.path().getFileName() + " " + listener.getName() + " routes no GET " + path));
        SocketAddress local = EnvoyFile.endpoint(sidecar.cluster(route.getRoute().getCluster()));
        assertThat(local.getAddress()).isEqualTo("127.0.0.1");
        return local.getPortValue();
    }

    /** The identities (URI SANs) a listener's client-certificate check admits; empty for plaintext. */
    static Set<String> allowedCallers(Listener listener) {
        DownstreamTlsContext tls = EnvoyFile.downstreamTls(listener);
        return tls == null ? Set.of() : sanValues(tls.getCommonTlsContext().getValidationContext());
    }

    private static Set<String> sanValues(CertificateValidationContext validation) {
        for (SubjectAltNameMatcher matcher : validation.getMatchTypedSubjectAltNamesList()) {
            assertThat(matcher.getSanType()).isEqualTo(SubjectAltNameMatcher.SanType.URI);
            assertThat(matcher.getMatcher().hasExact()).as("SANs are matched exactly").isTrue();
        }
        return validation.getMatchTypedSubjectAltNamesList().stream()
                .map(matcher -> matcher.getMatcher().getExact()).collect(Collectors.toSet());
    }
}
