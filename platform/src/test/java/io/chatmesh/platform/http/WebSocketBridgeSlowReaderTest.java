package io.chatmesh.platform.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.server.Server;
import io.chatmesh.platform.stream.OutboundQueue;
import io.chatmesh.proto.chat.v1.ChatServiceGrpc;
import io.chatmesh.proto.chat.v1.ClientEvent;
import io.chatmesh.proto.chat.v1.Pong;
import io.chatmesh.proto.chat.v1.ServerEvent;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A browser too slow to read: the bridge takes from the stream only what the socket took, so the
 * service's bounded queue overflows, it drops the stream as a slow consumer, and the socket is
 * closed with 4008 (RESOURCE_EXHAUSTED) after what it was given — nothing piles up in between.
 */
class WebSocketBridgeSlowReaderTest {

    private static final int EVENTS = 20_000;
    private static final int QUEUE_CAPACITY = 64;

    private io.grpc.Server backend;
    private ManagedChannel channel;
    private Server server;

    @AfterEach
    void stop() {
        server.stop().join();
        channel.shutdownNow();
        backend.shutdownNow();
    }

    @Test
    void aSocketThatDoesNotReadIsClosedAsASlowConsumerAfterABoundedAmount() throws Exception {
        CompletableFuture<Integer> offeredUntilDropped = new CompletableFuture<>();
        String name = InProcessServerBuilder.generateName();
        backend = InProcessServerBuilder.forName(name).addService(new ChatServiceGrpc.ChatServiceImplBase() {
            @Override
            public StreamObserver<ClientEvent> connect(StreamObserver<ServerEvent> responses) {
                OutboundQueue<ServerEvent> queue = new OutboundQueue<>(
                        (ServerCallStreamObserver<ServerEvent>) responses, QUEUE_CAPACITY);
                // a busy room: events for this client as fast as they come, until it is dropped
                Thread.ofPlatform().start(() -> {
                    ServerEvent event = ServerEvent.newBuilder().setPong(Pong.newBuilder().setNonce(Long.MAX_VALUE)).build();
                    for (int i = 1; i <= EVENTS; i++) {
                        if (!queue.offer(event)) {
                            offeredUntilDropped.complete(i);
                            return;
                        }
                    }
                    offeredUntilDropped.complete(-1);
                });
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
                        "http://app.example"::equals, 64 * 1024, Duration.ofSeconds(20)))
                .build();
        server.start().join();

        try (Socket socket = new Socket("127.0.0.1", server.activeLocalPort())) {
            socket.setReceiveBufferSize(4096); // a small window, so the socket stops taking soon
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                    + "Origin: http://app.example\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();

            // read nothing until the service gave up on this client
            int dropped = offeredUntilDropped.get(60, TimeUnit.SECONDS);
            assertThat(dropped).as("the service dropped the stream before it offered everything").isPositive();

            DataInputStream in = new DataInputStream(socket.getInputStream());
            assertThat(responseHead(in)).startsWith("HTTP/1.1 101");
            int events = 0;
            int closeCode = -1;
            while (closeCode < 0) {
                int first = in.read();
                if (first == -1) {
                    break;
                }
                byte[] payload = in.readNBytes(payloadLength(in));
                if ((first & 0x0f) == 0x8) {
                    closeCode = ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
                } else if ((first & 0x0f) == 0x2) {
                    events++;
                }
            }
            assertThat(closeCode).as("closed as a slow consumer (4000 + RESOURCE_EXHAUSTED)").isEqualTo(4008);
            assertThat(events).as("what reached the socket is bounded by what it took").isLessThan(dropped);
        }
    }

    /** Server frames are unmasked; the length is 7 bits, or 16 or 64 more. */
    private static int payloadLength(DataInputStream in) throws IOException {
        int length = in.read() & 0x7f;
        if (length == 126) {
            return in.readUnsignedShort();
        }
        if (length == 127) {
            return (int) in.readLong();
        }
        return length;
    }

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
}
