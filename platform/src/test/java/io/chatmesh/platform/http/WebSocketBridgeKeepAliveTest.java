package io.chatmesh.platform.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.server.Server;
import io.chatmesh.proto.chat.v1.ChatServiceGrpc;
import io.chatmesh.proto.chat.v1.ClientEvent;
import io.chatmesh.proto.chat.v1.ServerEvent;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A socket whose client went away without closing it (a laptop lid shut, a dropped network)
 * answers no pings: the bridge closes it and cancels its stream, so the service frees the session.
 */
class WebSocketBridgeKeepAliveTest {

    private final CountDownLatch streamCancelled = new CountDownLatch(1);
    private io.grpc.Server backend;
    private ManagedChannel channel;
    private Server server;

    @AfterEach
    void stop() {
        server.stop().join();
        channel.shutdownNow();
        backend.shutdownNow();
    }

    /** The status line and headers, up to the empty line. */
    private static String responseHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b == -1) {
                break;
            }
            head.append((char) b);
        }
        return head.toString();
    }

    @Test
    void aSilentSocketIsClosedAndItsStreamCancelled() throws Exception {
        String name = InProcessServerBuilder.generateName();
        backend = InProcessServerBuilder.forName(name).addService(new ChatServiceGrpc.ChatServiceImplBase() {
            @Override
            public StreamObserver<ClientEvent> connect(StreamObserver<ServerEvent> responses) {
                ((ServerCallStreamObserver<ServerEvent>) responses).setOnCancelHandler(streamCancelled::countDown);
                return new StreamObserver<>() {
                    @Override
                    public void onNext(ClientEvent event) {}

                    @Override
                    public void onError(Throwable t) {}

                    @Override
                    public void onCompleted() {}
                };
            }
        }).build().start();
        channel = InProcessChannelBuilder.forName(name).build();
        server = Server.builder().http(new InetSocketAddress("127.0.0.1", 0))
                .service("/ws", WebSocketBridge.service(channel, ChatServiceGrpc.getConnectMethod(),
                        "http://app.example"::equals, 64 * 1024, Duration.ofMillis(200)))
                .build();
        server.start().join();

        try (Socket socket = new Socket("127.0.0.1", server.activeLocalPort())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                    + "Origin: http://app.example\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            assertThat(responseHead(in)).startsWith("HTTP/1.1 101");

            // the client now says nothing: no pong, no frame. The server pings, then gives up and closes.
            int closeCode = -1;
            int first;
            while (closeCode < 0 && (first = in.read()) != -1) {
                int length = in.read() & 0x7f; // server frames: unmasked, short
                byte[] payload = in.readNBytes(length);
                if ((first & 0x0f) == 0x8 && payload.length >= 2) {
                    closeCode = ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
                }
            }
            assertThat(closeCode).as("closed for not answering pings (4000 + DEADLINE_EXCEEDED)").isEqualTo(4004);
        }
        assertThat(streamCancelled.await(30, TimeUnit.SECONDS)).as("the stream was cancelled").isTrue();
    }
}
