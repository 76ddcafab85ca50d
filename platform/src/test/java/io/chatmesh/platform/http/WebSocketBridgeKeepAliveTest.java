package io.chatmesh.platform.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A socket whose client went away without closing it (a laptop lid shut, a dropped network)
 * answers no pings: the bridge closes it and cancels its stream, so the service frees the session.
 */
class WebSocketBridgeKeepAliveTest {

    @Test
    void aSilentSocketIsClosedAndItsStreamCancelled() throws Exception {
        CountDownLatch streamCancelled = new CountDownLatch(1);
        try (RawWebSocketBridge bridge = new RawWebSocketBridge(
                        responses -> responses.setOnCancelHandler(streamCancelled::countDown), Duration.ofMillis(200));
                Socket socket = bridge.upgrade()) {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            assertThat(RawWebSocketBridge.responseHead(in)).startsWith("HTTP/1.1 101");

            // the client now says nothing: no pong, no frame. The server pings, then gives up and closes.
            RawWebSocketBridge.Frame frame;
            do {
                frame = RawWebSocketBridge.nextFrame(in);
            } while (frame != null && frame.opcode() != 0x8);
            assertThat(frame).as("a close frame").isNotNull();
            assertThat(frame.closeCode()).as("closed for not answering pings (4000 + DEADLINE_EXCEEDED)").isEqualTo(4004);
        }
        assertThat(streamCancelled.await(30, TimeUnit.SECONDS)).as("the stream was cancelled").isTrue();
    }
}
