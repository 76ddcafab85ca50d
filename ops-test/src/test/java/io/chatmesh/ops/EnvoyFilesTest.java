package io.chatmesh.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every file in envoy/ is a complete Envoy bootstrap that Envoy would accept, and holds together. */
class EnvoyFilesTest {

    private static final Pattern FILENAME = Pattern.compile("\"filename\": \"([^\"]*)\"");

    @Test
    void envoyHoldsTheGatewayAndOneSidecarPerServiceAndEachParsesStrictly() {
        List<String> expected = new ArrayList<>(List.of("gateway.yaml"));
        Arrays.stream(Deployable.values()).forEach(service -> expected.add("sidecar-" + service.serviceName() + ".yaml"));

        assertThat(EnvoyFile.all()).map(path -> path.getFileName().toString())
                .containsExactlyInAnyOrderElementsOf(expected);
        for (Path path : EnvoyFile.all()) {
            EnvoyFile file = EnvoyFile.load(path);
            assertThat(file.bootstrap().getStaticResources().getListenersCount()).as("%s listeners", path).isPositive();
        }
    }

    /** The parse is only worth something if it fails where Envoy would: shown on the gateway itself. */
    @Test
    void theParseRejectsUnknownFieldsTypesAndEnumsAsEnvoyWould() throws IOException {
        String gateway = Files.readString(EnvoyFile.directory().resolve("gateway.yaml"));
        assertThat(parses(gateway)).isTrue();

        assertThat(gateway).contains("stat_prefix: per_connection", "codec_type: AUTO",
                "envoy.extensions.filters.http.grpc_web.v3.GrpcWeb");
        // a field the local rate limit does not have, deep inside a typed_config
        assertThat(parses(gateway.replace("stat_prefix: per_connection",
                "stat_prefix: per_connection\n              burst: 5"))).isFalse();
        // an enum value that does not exist
        assertThat(parses(gateway.replace("codec_type: AUTO", "codec_type: HTTP4"))).isFalse();
        // a typed_config type Envoy does not know
        assertThat(parses(gateway.replace("envoy.extensions.filters.http.grpc_web.v3.GrpcWeb",
                "envoy.extensions.filters.http.grpc_web.v3.GrpcWebb"))).isFalse();
        assertThatThrownBy(() -> EnvoyFile.parse("admin: {colour: blue}"))
                .isInstanceOf(InvalidProtocolBufferException.class);
    }

    @Test
    void everyClusterIsDefinedOnceAndEveryReferenceNamesOne() {
        for (Path path : EnvoyFile.all()) {
            EnvoyFile file = EnvoyFile.load(path);
            List<String> defined = file.bootstrap().getStaticResources().getClustersList().stream()
                    .map(Cluster::getName).toList();
            assertThat(defined).as("%s clusters", path.getFileName()).doesNotHaveDuplicates();

            Set<String> used = clustersUsed(file);
            assertThat(used).as("%s: clusters that routes and jwt_authn use", path.getFileName())
                    .containsExactlyInAnyOrderElementsOf(defined);
        }
    }

    @Test
    void adminListensOnLoopbackOnly() {
        for (Path path : EnvoyFile.all()) {
            var admin = EnvoyFile.load(path).bootstrap().getAdmin().getAddress().getSocketAddress();
            assertThat(admin.getAddress()).as("%s admin", path.getFileName()).isEqualTo("127.0.0.1");
        }
    }

    /** Certificates and keys come from the documented mounts (envoy/README.md), nowhere else. */
    @Test
    void everyFileReadIsUnderTheDocumentedCertificateMounts() throws IOException {
        Set<String> read = new TreeSet<>();
        for (Path path : EnvoyFile.all()) {
            String json = JsonFormat.printer().usingTypeRegistry(EnvoyFile.TYPED_CONFIGS)
                    .print(EnvoyFile.load(path).bootstrap());
            Matcher matcher = FILENAME.matcher(json);
            while (matcher.find()) {
                read.add(matcher.group(1));
            }
        }
        assertThat(read).containsExactlyInAnyOrder(
                "/etc/envoy/tls/gateway.crt", "/etc/envoy/tls/gateway.key",
                Mesh.MESH_CERTIFICATE, Mesh.MESH_KEY, Mesh.MESH_CA);
        String readme = Files.readString(EnvoyFile.directory().resolve("README.md"));
        assertThat(readme).contains(read);
    }

    /** Clusters named by a route of any listener or by jwt_authn's remote JWKS. */
    static Set<String> clustersUsed(EnvoyFile file) {
        Set<String> used = new TreeSet<>();
        for (Listener listener : file.bootstrap().getStaticResources().getListenersList()) {
            var manager = EnvoyFile.connectionManager(listener);
            manager.getRouteConfig().getVirtualHostsList().forEach(host -> host.getRoutesList().stream()
                    .filter(route -> route.hasRoute()).forEach(route -> used.add(route.getRoute().getCluster())));
            for (var filter : manager.getHttpFiltersList()) {
                if (filter.getName().equals("envoy.filters.http.jwt_authn")) {
                    JwtAuthentication jwt = EnvoyFile.unpack(filter.getTypedConfig(), JwtAuthentication.class);
                    jwt.getProvidersMap().values()
                            .forEach(provider -> used.add(provider.getRemoteJwks().getHttpUri().getCluster()));
                }
            }
        }
        return used;
    }

    private static boolean parses(String yaml) {
        try {
            EnvoyFile.parse(yaml);
            return true;
        } catch (InvalidProtocolBufferException e) {
            return false;
        }
    }
}
