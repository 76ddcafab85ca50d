package io.chatmesh.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatmesh.ops.Compose.Mount;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * deploy/docker-compose.yml runs what the build makes, the way the services read their settings:
 * the image the Dockerfile builds, each service in its prod profile with every variable it needs
 * (and none it does not read), its sidecar beside it with its envoy/ file and identity, and the
 * backends (Kafka, PostgreSQL, MongoDB) where the variables say they are.
 */
class DeployComposeTest {

    private static final Compose COMPOSE = new Compose();
    private static final Pattern CREATE_DATABASE = Pattern.compile("CREATE DATABASE (\\w+)", Pattern.CASE_INSENSITIVE);
    private static final String CONFIG_TREE = "optional:configtree:/run/secrets/";

    @Test
    void eachServiceRunsTheBuiltImageInItsProdProfileWithEverythingItReads() {
        Tree built = COMPOSE.serviceNames().stream().map(COMPOSE::service).filter(service -> service.has("build"))
                .collect(Collectors.collectingAndThen(Collectors.toList(), List::getFirst));
        Path context = Compose.directory().resolve(built.get("build", "context").text()).normalize();
        assertThat(context.resolve(built.get("build", "dockerfile").text())).isEqualTo(Dockerfile.path());
        String image = built.get("image").text();

        for (Deployable deployable : Deployable.values()) {
            String name = deployable.serviceName();
            Tree service = COMPOSE.service(name);
            assertThat(service.get("image").text()).as("%s image", name).isEqualTo(image);
            assertThat(service.get("command").texts()).as("%s: the launcher runs the service it names", name)
                    .containsExactly(name);
            assertThat(service.get("read_only").value()).as("%s read-only", name).isEqualTo(true);
            assertThat(service.get("tmpfs").texts()).as("%s writable /tmp", name).contains("/tmp");

            Map<String, String> environment = Compose.environment(service);
            Set<String> secretFiles = new TreeSet<>();
            if (CONFIG_TREE.equals(environment.get("SPRING_CONFIG_IMPORT"))) {
                COMPOSE.secretsOf(service).keySet()
                        .forEach(target -> secretFiles.add(target.substring("/run/secrets/".length())));
            }
            ServiceEnvironment.check(deployable, environment, secretFiles, "docker-compose.yml " + name);
            assertThat(environment).as("%s: the image's health check reads it", name).containsKey(Dockerfile.healthCheckPortVariable());
            assertThat(environment.getOrDefault("CHATMESH_BIND_HOST", "127.0.0.1"))
                    .as("%s: reachable only through its sidecar", name).isEqualTo("127.0.0.1");
        }
    }

    @Test
    void theBackendsAreWhereTheServicesLookForThem() throws IOException {
        Tree kafka = COMPOSE.service("kafka");
        Map<String, String> kafkaEnvironment = Compose.environment(kafka);
        assertThat(kafkaEnvironment.get("KAFKA_PROCESS_ROLES")).as("KRaft, one node").isEqualTo("broker,controller");
        assertThat(kafkaEnvironment.get("KAFKA_AUTO_CREATE_TOPICS_ENABLE")).isEqualTo("false");
        Tree postgres = COMPOSE.service("postgres");
        Map<String, String> postgresEnvironment = Compose.environment(postgres);
        Set<String> databases = new TreeSet<>(Set.of(postgresEnvironment.get("POSTGRES_DB")));
        Matcher created = CREATE_DATABASE.matcher(Files.readString(
                Compose.mountAt(postgres, "/docker-entrypoint-initdb.d/10-chatmesh.sql").source()));
        while (created.find()) {
            databases.add(created.group(1));
        }
        Path postgresPassword = COMPOSE.secretsOf(postgres).get(postgresEnvironment.get("POSTGRES_PASSWORD_FILE"));
        assertThat(postgresPassword).as("PostgreSQL's password file").isNotNull();

        for (Deployable deployable : Deployable.values()) {
            Tree service = COMPOSE.service(deployable.serviceName());
            Map<String, String> environment = Compose.environment(service);
            String what = deployable.serviceName();

            assertThat(kafkaEnvironment.get("KAFKA_ADVERTISED_LISTENERS").split(","))
                    .as("%s's Kafka", what).contains("PLAINTEXT://" + environment.get("CHATMESH_BUS_KAFKA_BOOTSTRAP_SERVERS"));
            assertThat(environment.get("CHATMESH_BUS_KAFKA_REPLICATION_FACTOR")).as("%s: one broker", what).isEqualTo("1");

            String databaseUrl = environment.get("CHATMESH_DATABASE_URL");
            if (databaseUrl != null) {
                URI url = URI.create(databaseUrl.substring("jdbc:".length()));
                assertThat(url.getHost()).as("%s's PostgreSQL", what).isEqualTo("postgres");
                assertThat(databases).as("%s's database is created", what).contains(url.getPath().substring(1));
                assertThat(environment.get("CHATMESH_DATABASE_USER")).isEqualTo(postgresEnvironment.get("POSTGRES_USER"));
                assertThat(COMPOSE.secretsOf(service).get("/run/secrets/CHATMESH_DATABASE_PASSWORD"))
                        .as("%s logs in with PostgreSQL's password", what).isEqualTo(postgresPassword);
            }
            String mongodbUri = environment.get("CHATMESH_MESSAGE_MONGODB_URI");
            if (mongodbUri != null) {
                URI uri = URI.create(mongodbUri);
                assertThat(uri.getHost()).isEqualTo("mongodb");
                List<String> mongod = COMPOSE.service("mongodb").get("command").texts();
                assertThat(uri.getQuery()).isEqualTo("replicaSet=" + mongod.get(mongod.indexOf("--replSet") + 1));
            }
            String origins = environment.get("CHATMESH_HTTP_ALLOWED_ORIGINS");
            if (origins != null) {
                assertThat(Set.of(origins.split(","))).as("%s: the browser origins the gateway allows", what)
                        .isEqualTo(gatewayOrigins());
            }
        }
    }

    @Test
    void eachServiceHasItsSidecarAndEachEnvoyItsConfigAndIdentity() {
        Set<String> envoys = new TreeSet<>();
        for (String name : COMPOSE.serviceNames()) {
            if (COMPOSE.service(name).get("image").text().startsWith("envoyproxy/envoy:")) {
                envoys.add(name);
            }
        }
        Set<String> expected = new TreeSet<>(Set.of("gateway"));
        for (Deployable deployable : Deployable.values()) {
            String name = deployable.serviceName();
            Tree sidecar = COMPOSE.service(name + "-envoy");
            expected.add(name + "-envoy");
            assertThat(Compose.joins(sidecar)).as("%s's sidecar shares its network", name).contains(name);
            assertEnvoy(sidecar, EnvoyFile.sidecar(deployable), Compose.directory().resolve("certs").resolve(name));
        }
        assertThat(envoys).isEqualTo(expected);

        Tree gateway = COMPOSE.service("gateway");
        EnvoyFile gatewayFile = EnvoyFile.gateway();
        assertEnvoy(gateway, gatewayFile, Compose.directory().resolve("certs/gateway"));
        TlsCertificate publicCertificate = EnvoyFile.gateway().certificate("public_https");
        String publicDirectory = ContainerPaths.directory(publicCertificate.getCertificateChain().getFilename());
        assertThat(Compose.mountAt(gateway, publicDirectory).source())
                .isEqualTo(Compose.directory().resolve("certs/public"));
        int port = gatewayFile.listener("public_https").getAddress().getSocketAddress().getPortValue();
        assertThat(gateway.get("ports").texts()).as("the gateway's listener is published").contains(port + ":" + port);

        // every name an Envoy resolves is a compose service with a sidecar in its network
        for (EnvoyFile envoy : EnvoyFile.loadAll()) {
            for (var cluster : envoy.bootstrap().getStaticResources().getClustersList()) {
                String host = EnvoyFile.endpoint(cluster).getAddress();
                if (!host.equals("127.0.0.1")) {
                    assertThat(expected).as("%s's %s: %s has a sidecar", envoy.path().getFileName(), cluster.getName(), host)
                            .contains(host + "-envoy");
                }
            }
        }
    }

    /** bin/gen-certs makes every file the compose file mounts, and identities the mesh's checks accept. */
    @Test
    void genCertsMakesEveryMountedFileAndTheIdentitiesTheEnvoysCheck(@org.junit.jupiter.api.io.TempDir Path out)
            throws Exception {
        Process process = new ProcessBuilder("bash", Compose.directory().resolve("bin/gen-certs").toString(), out.toString())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor()).as(output).isZero();

        List<Path> needed = new ArrayList<>();
        for (String name : COMPOSE.serviceNames()) {
            Tree service = COMPOSE.service(name);
            Compose.mounts(service).forEach(mount -> needed.add(mount.source()));
            needed.addAll(COMPOSE.secretsOf(service).values());
        }
        Path deploy = Compose.directory();
        List<Path> generated = needed.stream()
                .filter(path -> path.startsWith(deploy.resolve("certs")) || path.startsWith(deploy.resolve("secrets")))
                .map(path -> out.resolve(deploy.relativize(path))).toList();
        assertThat(generated).as("compose mounts keys and passwords").isNotEmpty();
        assertThat(generated).allSatisfy(path -> assertThat(path).exists());

        List<String> identities = new ArrayList<>(List.of("gateway"));
        Arrays.stream(Deployable.values()).forEach(service -> identities.add(service.serviceName()));
        for (String identity : identities) {
            Path directory = out.resolve("certs").resolve(identity);
            try (var files = Files.list(directory)) {
                assertThat(files.map(file -> file.getFileName().toString())).containsExactlyInAnyOrder(
                        ContainerPaths.fileName(Mesh.MESH_CERTIFICATE), ContainerPaths.fileName(Mesh.MESH_KEY),
                        ContainerPaths.fileName(Mesh.MESH_CA));
            }
            Certificates.assertMeshIdentity(directory.resolve(ContainerPaths.fileName(Mesh.MESH_CERTIFICATE)),
                    directory.resolve(ContainerPaths.fileName(Mesh.MESH_KEY)),
                    directory.resolve(ContainerPaths.fileName(Mesh.MESH_CA)), Deployable.identityOf(identity));
        }
        TlsCertificate publicCertificate = EnvoyFile.gateway().certificate("public_https");
        Path publicDirectory = out.resolve("certs/public");
        Certificates.assertKeyPair(
                publicDirectory.resolve(ContainerPaths.fileName(publicCertificate.getCertificateChain().getFilename())),
                publicDirectory.resolve(ContainerPaths.fileName(publicCertificate.getPrivateKey().getFilename())));
    }

    private static void assertEnvoy(Tree service, EnvoyFile config, Path certificates) {
        List<String> command = service.get("command").texts();
        String configPath = command.get(command.indexOf("-c") + 1);
        assertThat(Compose.mountAt(service, configPath).source()).as("%s's config", service.path()).isEqualTo(config.path());
        Mount mesh = Compose.mountAt(service, ContainerPaths.directory(Mesh.MESH_CERTIFICATE));
        assertThat(ContainerPaths.directory(Mesh.MESH_KEY)).isEqualTo(mesh.target());
        assertThat(ContainerPaths.directory(Mesh.MESH_CA)).isEqualTo(mesh.target());
        assertThat(mesh.source()).as("%s's identity", service.path()).isEqualTo(certificates);
    }

    /** The browser origins the gateway's CORS policy allows. */
    static Set<String> gatewayOrigins() {
        return EnvoyFile.gateway().corsPolicy("public_https").getAllowOriginStringMatchList().stream()
                .map(matcher -> matcher.getExact()).collect(Collectors.toSet());
    }

}
