package io.chatmesh.launcher;

import static io.chatmesh.launcher.EchoBackend.bytes;
import static io.chatmesh.launcher.GrpcWebClient.BINARY;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The edge serving the built web app (CHATMESH_WEB_DIR) beside its gRPC routes and /healthz. */
class GrpcEdgeWebAppTest {

    private static final String INDEX = "<!doctype html><title>chatmesh</title><div id=\"app\"></div>";

    @TempDir
    Path webDir;

    @Test
    void getSlashIsTheAppsIndexHtmlAndTheGrpcRoutesStillWork() throws IOException, InterruptedException {
        Files.writeString(webDir.resolve("index.html"), INDEX);
        Files.createDirectories(webDir.resolve("assets"));
        Files.writeString(webDir.resolve("assets/index-abc123.js"), "console.log('chatmesh');");
        withEdge(webDir, client -> {
            HttpResponse<String> index = client.send(HttpRequest.newBuilder(client.uri("/")).GET());
            assertThat(index.statusCode()).isEqualTo(200);
            assertThat(index.headers().firstValue("content-type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
            assertThat(index.body()).isEqualTo(INDEX);

            HttpResponse<String> script = client.send(HttpRequest.newBuilder(client.uri("/assets/index-abc123.js")).GET());
            assertThat(script.statusCode()).isEqualTo(200);
            assertThat(script.headers().firstValue("content-type")).hasValueSatisfying(type -> assertThat(type).contains("javascript"));

            assertThat(client.send(HttpRequest.newBuilder(client.uri("/no-such-file.js")).GET()).statusCode()).isEqualTo(404);
            HttpResponse<String> health = client.send(HttpRequest.newBuilder(client.uri("/healthz")).GET());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).isEqualTo("edgetest.Echo SERVING\n");

            GrpcWebClient.Response call = client.call(BINARY, "/edgetest.Echo/Echo", bytes("hello"));
            assertThat(call.grpcStatus()).isZero();
            assertThat(call.messages()).extracting(EchoBackend::text).containsExactly("hello");
            GrpcWebClient.Response unknown = client.call(BINARY, "/index.html", bytes("hello"));
            assertThat(unknown.grpcStatus()).isEqualTo(io.grpc.Status.Code.UNIMPLEMENTED.value());
        });
    }

    @Test
    void withoutABuiltAppThereIsNothingAtSlash() throws InterruptedException {
        // only POSTs (gRPC) are routed there: 405
        withEdge(webDir.resolve("missing"), client ->
                assertThat(client.send(HttpRequest.newBuilder(client.uri("/")).GET()).statusCode()).isEqualTo(405));
        // a directory without index.html is no build either
        withEdge(webDir, client ->
                assertThat(client.send(HttpRequest.newBuilder(client.uri("/")).GET()).statusCode()).isEqualTo(405));
    }

    private interface EdgeCheck {
        void run(GrpcWebClient client);
    }

    private static void withEdge(Path web, EdgeCheck check) throws InterruptedException {
        EchoBackend backend = new EchoBackend();
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", backend.port()).usePlaintext().build();
        GrpcEdge edge = new GrpcEdge("127.0.0.1", 0, Map.of(EchoBackend.DESCRIPTOR, channel), 1024 * 1024, List.of(), web);
        try {
            check.run(new GrpcWebClient(edge.port()));
        } finally {
            edge.close();
            channel.shutdownNow();
            backend.close();
        }
    }
}
