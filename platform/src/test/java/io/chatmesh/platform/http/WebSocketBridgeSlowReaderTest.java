package io.chatmesh.platform.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.chatmesh.platform.stream.OutboundQueue;
import io.chatmesh.proto.chat.v1.Pong;
import io.chatmesh.proto.chat.v1.ServerEvent;
import java.io.DataInputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A browser too slow to read: the bridge takes from the stream only what the socket took, so the
 * service's bounded queue overflows, it drops the stream as a slow consumer, and the socket is
 * closed with 4008 (RESOURCE_EXHAUSTED) after what it was given — nothing piles up in between.
 */
class WebSocketBridgeSlowReaderTest {

    private static final int EVENTS = 20_000;
    private static final int QUEUE_CAPACITY = 64;

    @Test
    void aSocketThatDoesNotReadIsClosedAsASlowConsumerAfterABoundedAmount() throws Exception {
        CompletableFuture<Integer> offeredUntilDropped = new CompletableFuture<>();
        ServerEvent event = ServerEvent.newBuilder().setPong(Pong.newBuilder().setNonce(Long.MAX_VALUE)).build();
        try (RawWebSocketBridge bridge = new RawWebSocketBridge(responses -> {
                    OutboundQueue<ServerEvent> queue = new OutboundQueue<>(responses, QUEUE_CAPACITY);
                    // a busy room: events for this client as fast as they come, until it is dropped
                    Thread.ofPlatform().start(() -> {
                        for (int i = 1; i <= EVENTS; i++) {
                            if (!queue.offer(event)) {
                                offeredUntilDropped.complete(i);
                                return;
                            }
                        }
                        offeredUntilDropped.complete(-1);
                    });
                }, Duration.ofSeconds(20));
                Socket socket = bridge.upgrade()) {
            // read nothing until the service gave up on this client
            int dropped = offeredUntilDropped.get(60, TimeUnit.SECONDS);
            assertThat(dropped).as("the service dropped the stream before it offered everything").isPositive();

            DataInputStream in = new DataInputStream(socket.getInputStream());
            assertThat(RawWebSocketBridge.responseHead(in)).startsWith("HTTP/1.1 101");
            int events = 0;
            RawWebSocketBridge.Frame frame;
            while ((frame = RawWebSocketBridge.nextFrame(in)) != null && frame.opcode() != 0x8) {
                if (frame.opcode() == 0x2) {
                    events++;
                }
            }
            assertThat(frame).as("a close frame").isNotNull();
            assertThat(frame.closeCode()).as("closed as a slow consumer (4000 + RESOURCE_EXHAUSTED)").isEqualTo(4008);
            assertThat(events).as("what reached the socket is bounded by what it took").isLessThan(dropped);
        }
    }
}
