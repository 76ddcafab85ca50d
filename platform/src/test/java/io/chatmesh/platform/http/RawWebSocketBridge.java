package io.chatmesh.platform.http;

import com.linecorp.armeria.server.Server;
import io.chatmesh.proto.chat.v1.ChatServiceGrpc;
import io.chatmesh.proto.chat.v1.ClientEvent;
import io.chatmesh.proto.chat.v1.ServerEvent;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * A {@link WebSocketBridge} at {@code /ws} in front of an in-process Connect whose behaviour a test
 * gives, and a client socket spoken to byte by byte: a test decides exactly when it reads, or
 * whether it ever answers a ping, which a WebSocket client library would not let it.
 */
final class RawWebSocketBridge implements AutoCloseable {

    static final String ORIGIN = "http://app.example";

    /** A server frame: its opcode (0x2 binary, 0x8 close, 0x9 ping) and payload. */
    record Frame(int opcode, byte[] payload) {
        int closeCode() {
            return ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
        }
    }

    private final io.grpc.Server backend;
    private final ManagedChannel channel;
    private final Server server;

    /** @param connect what the backend does with each stream's outbound side */
    RawWebSocketBridge(Consumer<ServerCallStreamObserver<ServerEvent>> connect, Duration pingInterval) throws IOException {
        String name = InProcessServerBuilder.generateName();
        backend = InProcessServerBuilder.forName(name).addService(new ChatServiceGrpc.ChatServiceImplBase() {
            @Override
            public StreamObserver<ClientEvent> connect(StreamObserver<ServerEvent> responses) {
                connect.accept((ServerCallStreamObserver<ServerEvent>) responses);
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
                .service("/ws", WebSocketBridge.service(channel, ChatServiceGrpc.getConnectMethod(), ORIGIN::equals,
                        64 * 1024, pingInterval))
                .build();
        server.start().join();
    }

    /** A socket that has asked to upgrade; the 101 answer is read by {@link #responseHead}. */
    Socket upgrade() throws IOException {
        Socket socket = new Socket("127.0.0.1", server.activeLocalPort());
        socket.setSoTimeout(30_000);
        OutputStream out = socket.getOutputStream();
        out.write(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                + "Origin: " + ORIGIN + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return socket;
    }

    /** The status line and headers, up to the empty line. */
    static String responseHead(DataInputStream in) throws IOException {
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

    /** The next server frame (unmasked; 7-bit, 16-bit or 64-bit length); null at the end. */
    static Frame nextFrame(DataInputStream in) throws IOException {
        int first = in.read();
        if (first == -1) {
            return null;
        }
        int length = in.read() & 0x7f;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = (int) in.readLong();
        }
        return new Frame(first & 0x0f, in.readNBytes(length));
    }

    @Override
    public void close() {
        server.stop().join();
        channel.shutdownNow();
        backend.shutdownNow();
    }
}
