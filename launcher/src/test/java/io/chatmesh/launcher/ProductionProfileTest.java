package io.chatmesh.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chatmesh.chat.ChatServiceApplication;
import io.chatmesh.message.MessageServiceApplication;
import io.chatmesh.platform.http.HttpFace;
import io.chatmesh.proto.user.v1.GetJwksRequest;
import io.chatmesh.proto.user.v1.SignUpRequest;
import io.chatmesh.proto.user.v1.UserServiceGrpc;
import io.chatmesh.signaling.SignalingServiceApplication;
import io.chatmesh.testkit.MetricsScrape;
import io.chatmesh.testkit.TestPostgres;
import io.chatmesh.user.UserServiceApplication;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.grpc.server.lifecycle.GrpcServerLifecycle;

/**
 * The prod profile takes its settings from the environment: a missing required one stops
 * startup with a message naming it, and with them given the service runs on them. (The
 * settings are passed as command-line properties here; they resolve the same placeholders
 * an environment variable would.)
 */
class ProductionProfileTest {

    @Test
    void eachMissingRequiredSettingStopsStartupNamingIt() {
        assertStartupFailsNaming(UserServiceApplication::builder, "CHATMESH_DATABASE_URL",
                "--CHATMESH_DATABASE_USER=chatmesh", "--CHATMESH_DATABASE_PASSWORD=secret");
        assertStartupFailsNaming(UserServiceApplication::builder, "CHATMESH_BUS_KAFKA_BOOTSTRAP_SERVERS",
                databaseArgs(TestPostgres.newDatabase()).toArray(String[]::new));
        assertStartupFailsNaming(ChatServiceApplication::builder, "CHATMESH_USERS_ADDRESS",
                databaseArgs(TestPostgres.newDatabase()).toArray(String[]::new));
        assertStartupFailsNaming(MessageServiceApplication::builder, "CHATMESH_MESSAGE_MONGODB_URI",
                "--CHATMESH_USERS_ADDRESS=static://127.0.0.1:1", "--CHATMESH_ROOMS_ADDRESS=static://127.0.0.1:1",
                "--CHATMESH_BUS_KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:1");
        // the SQL message store names its database like the other services, and never falls back to a default
        assertStartupFailsNaming(MessageServiceApplication::builder, "CHATMESH_DATABASE_URL",
                "--CHATMESH_MESSAGE_STORE=sql", "--CHATMESH_USERS_ADDRESS=static://127.0.0.1:1",
                "--CHATMESH_ROOMS_ADDRESS=static://127.0.0.1:1", "--CHATMESH_BUS_KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:1");
        // ... and the directory for attachment content, which only MongoDB's GridFS makes unnecessary
        List<String> sqlMessageStore = new ArrayList<>(databaseArgs(TestPostgres.newDatabase()));
        sqlMessageStore.addAll(List.of("--CHATMESH_MESSAGE_STORE=sql", "--CHATMESH_USERS_ADDRESS=static://127.0.0.1:1",
                "--CHATMESH_ROOMS_ADDRESS=static://127.0.0.1:1", "--CHATMESH_BUS_KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:1"));
        assertStartupFailsNaming(MessageServiceApplication::builder, "CHATMESH_ATTACHMENTS_DIR",
                sqlMessageStore.toArray(String[]::new));
        assertStartupFailsNaming(SignalingServiceApplication::builder, "CHATMESH_BUS_KAFKA_BOOTSTRAP_SERVERS",
                "--CHATMESH_USERS_ADDRESS=static://127.0.0.1:1", "--CHATMESH_ROOMS_ADDRESS=static://127.0.0.1:1");
    }

    @Test
    void aServiceRunsOnItsOwnFromTheLauncherJarOnSettingsFromTheEnvironment() throws Exception {
        List<String> args = new ArrayList<>(databaseArgs(TestPostgres.newDatabase()));
        args.add("--spring.profiles.active=prod");
        // no broker here: the in-process bus stands in (the Kafka path is system-test's)
        args.add("--CHATMESH_BUS_KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:1");
        args.add("--chatmesh.bus.type=in-process");
        args.add("--CHATMESH_ROOMS_ADDRESS=static://127.0.0.1:1"); // co-member presence; no call in this test
        try (ConfigurableApplicationContext context = Chatmesh.runService("user-service", args.toArray(String[]::new))) {
            int port = context.getBean(GrpcServerLifecycle.class).getPort();
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
            try {
                assertThat(UserServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                        .signUp(SignUpRequest.newBuilder().setUsername("prod_user").setPassword("long enough secret").build())
                        .getUser().getUsername()).isEqualTo("prod_user");
                // its HTTP port serves the JWKS where Envoy's jwt_authn fetches it, and health
                int httpPort = context.getBean(HttpFace.class).port();
                assertThat(httpGet(httpPort, "/.well-known/jwks.json")).isEqualTo(UserServiceGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(10, TimeUnit.SECONDS).getJwks(GetJwksRequest.getDefaultInstance()).getJwksJson());
                assertThat(httpGet(httpPort, "/healthz")).isEqualTo("SERVING");
                // and what Prometheus scrapes there: the call served and the statements it ran
                MetricsScrape metrics = MetricsScrape.of(httpPort);
                assertThat(metrics.sum("chatmesh_grpc_server_calls_seconds_count",
                        Map.of("method", "chatmesh.user.v1.UserService/SignUp", "code", "OK"))).isEqualTo(1);
                assertThat(metrics.samples("chatmesh_store_seconds_count", Map.of("store", "postgresql")))
                        .anySatisfy(statement -> assertThat(statement.value()).isPositive());
                assertThat(metrics.samples("jvm_memory_used_bytes", Map.of())).isNotEmpty();
            } finally {
                channel.shutdownNow();
            }
        }
    }

    private static String httpGet(int port, String path) throws Exception {
        HttpResponse<String> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s", path).isEqualTo(200);
        return response.body();
    }

    private static List<String> databaseArgs(String jdbcUrl) {
        return List.of("--CHATMESH_DATABASE_URL=" + jdbcUrl, "--CHATMESH_DATABASE_USER=" + TestPostgres.USER,
                "--CHATMESH_DATABASE_PASSWORD=" + TestPostgres.PASSWORD, "--CHATMESH_GRPC_PORT=0", "--CHATMESH_HTTP_PORT=0");
    }

    private static SpringApplicationBuilder prod(Supplier<SpringApplicationBuilder> service) {
        return service.get().profiles("prod").properties("spring.main.banner-mode=off");
    }

    private static void assertStartupFailsNaming(Supplier<SpringApplicationBuilder> service, String setting, String... args) {
        assertThatThrownBy(() -> prod(service).run(args).close())
                .satisfies(failure -> assertThat(messages(failure)).contains(setting));
    }

    /** Every message in the cause chain, where Spring puts the unresolved placeholder's name. */
    private static String messages(Throwable failure) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString();
    }
}
