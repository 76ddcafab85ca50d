package io.chatmesh.launcher;

import io.chatmesh.platform.auth.BearerCallCredentials;
import io.chatmesh.proto.chat.v1.ChatServiceGrpc;
import io.chatmesh.proto.chat.v1.ClientEvent;
import io.chatmesh.proto.chat.v1.Hello;
import io.chatmesh.proto.chat.v1.ServerEvent;
import io.chatmesh.testkit.StreamRecorder;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One embedded chatmesh for a whole test class, on a data directory of its own, and a channel to its
 * edge port. Register it on a static field with {@code @RegisterExtension}: the stack is up before the
 * class's {@code @BeforeAll} methods run and is stopped, its data deleted, after its {@code @AfterAll}
 * methods. Tests sharing it use accounts and rooms of their own.
 */
final class LaunchedStack implements BeforeAllCallback, AfterAllCallback {

    private Path dataDir;
    private Chatmesh stack;
    private ManagedChannel edge;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        dataDir = Files.createTempDirectory("chatmesh-" + context.getRequiredTestClass().getSimpleName());
        stack = Chatmesh.start(LauncherSettings.forTests(dataDir));
        edge = NettyChannelBuilder.forAddress("127.0.0.1", stack.edgePort()).usePlaintext().build();
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (edge != null) {
            edge.shutdownNow();
        }
        if (stack != null) {
            stack.close();
        }
        if (dataDir != null) {
            try (Stream<Path> files = Files.walk(dataDir)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(file);
                }
            }
        }
    }

    /** The channel every test of the class shares: HTTP/2 to the edge port, as a native client connects. */
    ManagedChannel edge() {
        return edge;
    }

    /** The stack's data directory: its embedded PostgreSQL and its attachments. */
    Path dataDir() {
        return dataDir;
    }

    /** Opens a ChatService.Connect stream as the holder of {@code token}, recording its events; returns once it is ready. */
    StreamObserver<ClientEvent> connectChat(String token, StreamRecorder<ServerEvent> events) {
        StreamObserver<ClientEvent> out = ChatServiceGrpc.newStub(edge)
                .withCallCredentials(BearerCallCredentials.of(token)).connect(events);
        out.onNext(ClientEvent.newBuilder().setHello(Hello.newBuilder().setDeviceId("device")).build());
        events.awaitFirst(ServerEvent::hasReady);
        return out;
    }

    /** JDBC URL of one of the embedded PostgreSQL's databases, e.g. {@code chatmesh_messages}. */
    String postgresJdbcUrl(String database) {
        return stack.postgresJdbcUrl(database);
    }

    int edgePort() {
        return stack.edgePort();
    }

    int port(Chatmesh.Service service) {
        return stack.port(service);
    }
}
