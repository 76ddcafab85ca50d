package io.chatmesh.platform.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import io.chatmesh.platform.auth.AccessTokenVerifier;
import io.chatmesh.platform.error.ChatmeshException;
import io.chatmesh.proto.user.v1.GetMeRequest;
import io.chatmesh.proto.user.v1.UserServiceGrpc;
import io.grpc.StatusRuntimeException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.grpc.server.service.GrpcService;

/**
 * A service's HTTP port: health, Prometheus metrics and the routes the service adds, the latter
 * able to call the service's own gRPC port.
 */
@SpringBootTest(classes = HttpFaceTest.TestApp.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"spring.grpc.server.port=0", "chatmesh.http.port=0", "spring.application.name=test-service"})
class HttpFaceTest {

    @SpringBootConfiguration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class TestApp {

        @Bean
        AccessTokenVerifier refusingVerifier() {
            return token -> {
                throw ChatmeshException.unauthenticated("no tokens here");
            };
        }

        @GrpcService
        UserServiceGrpc.UserServiceImplBase users() {
            return new UserServiceGrpc.UserServiceImplBase() {};
        }

        /** A route that asks this service's own gRPC port something: GetMe without a token. */
        @Bean
        HttpRoutes selfCall() {
            return (server, context) -> server.service("/self", (ctx, request) -> {
                String code;
                try {
                    UserServiceGrpc.newBlockingStub(context.self()).withDeadlineAfter(5, TimeUnit.SECONDS)
                            .getMe(GetMeRequest.getDefaultInstance());
                    code = "OK";
                } catch (StatusRuntimeException e) {
                    code = e.getStatus().getCode().name();
                }
                return HttpResponse.of(HttpStatus.OK, MediaType.PLAIN_TEXT_UTF_8, code);
            });
        }
    }

    @Autowired
    HttpFace face;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    @Test
    void servesHealthMetricsAndTheServicesOwnRoutes() throws Exception {
        assertThat(face.port()).isPositive();

        java.net.http.HttpResponse<String> health = get("/healthz");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("SERVING");

        java.net.http.HttpResponse<String> metrics = get("/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("# TYPE jvm_memory_used_bytes gauge");

        // the route reached the gRPC port, whose auth interceptor refused the tokenless call
        assertThat(get("/self").body()).isEqualTo("UNAUTHENTICATED");
        // and that call is counted, by method and status
        assertThat(get("/metrics").body()).containsPattern("chatmesh_grpc_server_calls_seconds_count\\{code=\"UNAUTHENTICATED\","
                + "method=\"chatmesh.user.v1.UserService/GetMe\"\\} 1(\\.0)?\n");
        assertThat(get("/unknown").statusCode()).isEqualTo(404);
    }

    private java.net.http.HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + face.port() + path))
                .timeout(Duration.ofSeconds(10)).build(), BodyHandlers.ofString());
    }
}
