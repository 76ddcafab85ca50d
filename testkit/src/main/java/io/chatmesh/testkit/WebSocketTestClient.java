package io.chatmesh.testkit;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import com.linecorp.armeria.client.websocket.WebSocketClient;
import com.linecorp.armeria.client.websocket.WebSocketSession;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpHeaders;
import com.linecorp.armeria.common.websocket.CloseWebSocketFrame;
import com.linecorp.armeria.common.websocket.WebSocket;
import com.linecorp.armeria.common.websocket.WebSocketFrame;
import com.linecorp.armeria.common.websocket.WebSocketFrameType;
import com.linecorp.armeria.common.websocket.WebSocketWriter;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * A browser's side of {@code /ws/chat} or {@code /ws/signaling}, over a real socket: binary
 * frames out, every binary frame in parsed as {@code T}, and the close frame the server sent.
 */
public final class WebSocketTestClient<T extends Message> implements AutoCloseable {

    /** The close frame's code and reason. */
    public record Closed(int code, String reason) {}

    private static final long WAIT_SECONDS = 20;

    private final Parser<T> parser;
    private final WebSocketWriter out = WebSocket.streaming();
    private final BlockingQueue<T> received = new LinkedBlockingQueue<>();
    private final CompletableFuture<Closed> closed = new CompletableFuture<>();

    private WebSocketTestClient(WebSocketSession session, Parser<T> parser) {
        this.parser = parser;
        session.setOutbound(out);
        session.inbound().subscribe(new Subscriber<WebSocketFrame>() {
            @Override
            public void onSubscribe(Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(WebSocketFrame frame) {
                if (frame.type() == WebSocketFrameType.BINARY) {
                    try {
                        received.add(parser.parseFrom(frame.array()));
                    } catch (InvalidProtocolBufferException e) {
                        closed.completeExceptionally(e);
                    }
                } else if (frame instanceof CloseWebSocketFrame close) {
                    closed.complete(new Closed(close.status().code(), close.reasonPhrase()));
                }
            }

            @Override
            public void onError(Throwable t) {
                closed.completeExceptionally(t);
            }

            @Override
            public void onComplete() {
                closed.complete(new Closed(1006, "no close frame"));
            }
        });
    }

    /** Opens the socket on a loopback port from {@code origin} (null: that port's own, as a page it served would send). */
    public static <T extends Message> WebSocketTestClient<T> open(int port, String path, String origin, Parser<T> parser) {
        String own = "http://127.0.0.1:" + port;
        WebSocketSession session = WebSocketClient.builder("ws://127.0.0.1:" + port).autoFillOriginHeader(false)
                .build().connect(path, HttpHeaders.of(HttpHeaderNames.ORIGIN, origin == null ? own : origin))
                .orTimeout(WAIT_SECONDS, TimeUnit.SECONDS).join();
        return new WebSocketTestClient<>(session, parser);
    }

    public void send(Message event) {
        sendRaw(event.toByteArray());
    }

    public void sendRaw(byte[] frame) {
        out.write(frame);
    }

    public T next() {
        try {
            T event = received.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            if (event == null) {
                throw new AssertionError("no frame within " + WAIT_SECONDS + " s (closed: " + closed.getNow(null) + ")");
            }
            return event;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The next frame that matches, skipping others. */
    public T next(Predicate<T> matching) {
        while (true) {
            T event = next();
            if (matching.test(event)) {
                return event;
            }
        }
    }

    public Closed awaitClosed() {
        return closed.orTimeout(WAIT_SECONDS, TimeUnit.SECONDS).join();
    }

    /** Goes away without a close handshake, as a dropped network does. */
    public void drop() {
        out.abort();
    }

    @Override
    public void close() {
        out.close();
    }
}
