package io.chatmesh.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatmesh.chat.ChatServiceApplication;
import io.chatmesh.message.MessageServiceApplication;
import io.chatmesh.ops.Dashboard.Query;
import io.chatmesh.platform.http.HttpFace;
import io.chatmesh.platform.net.FreePorts;
import io.chatmesh.signaling.SignalingServiceApplication;
import io.chatmesh.testkit.MetricsScrape;
import io.chatmesh.testkit.TestPostgres;
import io.chatmesh.user.UserServiceApplication;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * The chatmesh dashboard reads metrics the services really export: the four services run in their
 * prod profile, configured through environment variables as compose and Kubernetes configure them
 * (the database password from a config-tree file, as compose's secrets give it), each with its HTTP
 * port; after a call and a stream to each, their /metrics are scraped and every metric and label the
 * dashboard's PromQL names must be in the scrape (or be a label Prometheus adds). The image's health
 * check script runs against the same HTTP ports.
 */
class DashboardScrapeTest {

    @TempDir
    static Path secrets;
    private static final Map<Deployable, ConfigurableApplicationContext> RUNNING = new EnumMap<>(Deployable.class);
    private static final Map<Deployable, Integer> GRPC_PORTS = new EnumMap<>(Deployable.class);
    private static final List<ManagedChannel> CHANNELS = new ArrayList<>();
    /** Every metric name scraped, with the labels its samples carry. */
    private static final Map<String, Set<String>> SCRAPED = new TreeMap<>();

    @BeforeAll
    static void startTheServicesAndScrapeThem() throws Exception {
        Map<Deployable, Integer> grpcPorts = GRPC_PORTS;
        for (Deployable service : Deployable.values()) {
            grpcPorts.put(service, freePort());
        }
        // the password as compose gives it: a file in a config tree
        Files.writeString(secrets.resolve("CHATMESH_DATABASE_PASSWORD"), TestPostgres.PASSWORD);
        String configTree = new Compose().service("user-service").get("environment", "SPRING_CONFIG_IMPORT").text()
                .replace("/run/secrets/", secrets.toAbsolutePath() + "/");

        start(Deployable.USER_SERVICE, UserServiceApplication::builder, grpcPorts, Map.of(
                "SPRING_CONFIG_IMPORT", configTree,
                "CHATMESH_DATABASE_URL", TestPostgres.newDatabase(),
                "CHATMESH_DATABASE_USER", TestPostgres.USER));
        start(Deployable.CHAT_SERVICE, ChatServiceApplication::builder, grpcPorts, Map.of(
                "SPRING_CONFIG_IMPORT", configTree,
                "CHATMESH_DATABASE_URL", TestPostgres.newDatabase(),
                "CHATMESH_DATABASE_USER", TestPostgres.USER));
        start(Deployable.MESSAGE_SERVICE, MessageServiceApplication::builder, grpcPorts, Map.of(
                "CHATMESH_MESSAGE_STORE", "sql",
                "CHATMESH_DATABASE_URL", TestPostgres.newDatabase(),
                "CHATMESH_DATABASE_USER", TestPostgres.USER,
                "CHATMESH_DATABASE_PASSWORD", TestPostgres.PASSWORD,
                "CHATMESH_ATTACHMENTS_DIR", secrets.resolve("attachments").toString()));
        start(Deployable.SIGNALING_SERVICE, SignalingServiceApplication::builder, grpcPorts, Map.of());

        for (Deployable service : Deployable.values()) {
            callAndWatch(grpcPorts.get(service));
            scrape(httpPort(service));
        }
    }

    @AfterAll
    static void stop() {
        CHANNELS.forEach(ManagedChannel::shutdownNow);
        RUNNING.values().forEach(ConfigurableApplicationContext::close);
    }

    @Test
    void everyMetricTheDashboardReadsIsExported() {
        Set<String> missing = new TreeSet<>();
        for (String expression : Dashboard.expressions()) {
            for (String metric : Dashboard.read(expression).metrics().keySet()) {
                if (!SCRAPED.containsKey(metric)) {
                    missing.add(metric);
                }
            }
        }
        assertThat(missing).as("metrics the dashboard reads that no service exports").isEmpty();
        assertThat(SCRAPED).as("the scrape itself").containsKeys("chatmesh_grpc_server_calls_seconds_count",
                "chatmesh_grpc_server_streams_open", "chatmesh_chat_deliveries_total");
    }

    @Test
    void everyLabelTheDashboardReadsIsOnItsMetricOrAddedByPrometheus() {
        Set<String> targetLabels = MonitoringTest.targetLabels();
        for (String expression : Dashboard.expressions()) {
            Query query = Dashboard.read(expression);
            Set<String> available = new TreeSet<>(targetLabels);
            query.metrics().forEach((metric, matched) -> {
                Set<String> labels = new TreeSet<>(targetLabels);
                labels.addAll(SCRAPED.getOrDefault(metric, Set.of()));
                assertThat(labels).as("%s: labels of %s", expression, metric).containsAll(matched);
                available.addAll(labels);
            });
            assertThat(available).as("%s: grouping labels", expression).containsAll(query.groupingLabels());
        }
    }

    /** deploy/docker/healthcheck, the image's HEALTHCHECK: healthy on a serving HTTP port, unhealthy otherwise. */
    @Test
    void theImagesHealthCheckPassesOnTheServicesHttpPortsOnly() throws Exception {
        for (Deployable service : Deployable.values()) {
            assertThat(healthCheck(httpPort(service))).as("%s's HTTP port", service).isZero();
            // the gRPC port answers no HTTP/1.1 GET with a 200
            assertThat(healthCheck(GRPC_PORTS.get(service))).as("%s's gRPC port", service).isNotZero();
        }
        assertThat(healthCheck(freePort())).as("nothing listening").isNotZero();
    }

    /** Starts a service as its own process would, every setting an environment variable. */
    private static void start(Deployable service, Supplier<SpringApplicationBuilder> application,
            Map<Deployable, Integer> grpcPorts, Map<String, String> settings) {
        Map<String, Object> environment = new HashMap<>(settings);
        environment.put("SPRING_PROFILES_ACTIVE", Deployable.PROD_PROFILE);
        environment.put("CHATMESH_GRPC_PORT", String.valueOf(grpcPorts.get(service)));
        environment.put("CHATMESH_HTTP_PORT", "0");
        for (String channel : service.channels()) {
            environment.put(service.channelVariable(channel),
                    "static://127.0.0.1:" + grpcPorts.get(Contracts.CHANNEL_TARGETS.get(channel)));
        }
        // no broker here: the in-process bus stands in (Kafka is system-test's), the variable is still required
        environment.put("CHATMESH_BUS_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1");
        environment.put("CHATMESH_BUS_TYPE", "in-process");
        StandardEnvironment springEnvironment = new StandardEnvironment();
        springEnvironment.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, environment));
        RUNNING.put(service, application.get().environment(springEnvironment)
                .properties("spring.main.banner-mode=off").run());
    }

    /** A unary call (its timer) and a stream left open (the open-streams gauge), as clients make them. */
    private static void callAndWatch(int grpcPort) {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext().build();
        CHANNELS.add(channel);
        HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
        assertThat(health.withDeadlineAfter(10, TimeUnit.SECONDS).check(HealthCheckRequest.getDefaultInstance())
                .getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
        Iterator<HealthCheckResponse> watch = health.watch(HealthCheckRequest.getDefaultInstance());
        assertThat(watch.next().getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    }

    private static void scrape(int httpPort) {
        for (MetricsScrape.Sample sample : MetricsScrape.of(httpPort).samples()) {
            SCRAPED.computeIfAbsent(sample.name(), name -> new TreeSet<>()).addAll(sample.labels().keySet());
        }
    }

    private static int httpPort(Deployable service) {
        return RUNNING.get(service).getBean(HttpFace.class).port();
    }

    private static int healthCheck(int port) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("bash", Dockerfile.healthCheckScript().toString()).redirectErrorStream(true);
        builder.environment().put(Dockerfile.healthCheckPortVariable(), String.valueOf(port));
        Process process = builder.start();
        process.getInputStream().readAllBytes();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return process.exitValue();
    }

    /** A port nothing listens on now, from below the ephemeral range (bound a few seconds later). */
    private static int freePort() {
        return FreePorts.pick("127.0.0.1");
    }
}
