package io.chatmesh.platform.http;

import com.linecorp.armeria.common.websocket.WebSocket;
import com.linecorp.armeria.common.websocket.WebSocketCloseStatus;
import com.linecorp.armeria.common.websocket.WebSocketFrame;
import com.linecorp.armeria.common.websocket.WebSocketWriter;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.websocket.WebSocketService;
import com.linecorp.armeria.server.websocket.WebSocketServiceHandler;
import io.chatmesh.platform.grpc.RawBytes;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * A Connect stream for browsers: one WebSocket is one bidirectional gRPC call to the service's
 * Connect. Each binary message the browser sends is one ClientEvent, passed on as it is; each
 * ServerEvent comes back as one binary message. The service's own stream code does the rest —
 * authentication by Hello/Join, in-band errors, limits — so no rule exists twice.
 *
 * <p>Flow control both ways: the socket is read only while the call can take more, and the call
 * is asked for more only once the socket took what it had; a browser too slow to read holds its
 * stream back until the service drops it as a slow consumer. The server pings the socket; one
 * that stays silent (no frame, not even a pong) for three intervals is dead and is closed, which
 * cancels its stream. The gRPC status that ends the call becomes the close frame
 * ({@link #closeStatusOf}): 1000 for OK, 1008 for INVALID_ARGUMENT, else 4000 + the gRPC code,
 * with the code's name and description as the reason.
 */
public final class WebSocketBridge implements WebSocketServiceHandler {

    /** Events the socket may be given before it consumed them: enough to keep a fan-out flowing. */
    private static final int WRITE_WINDOW = 32;
    /** A close frame's reason holds at most 123 bytes. */
    private static final int REASON_MAX_BYTES = 123;

    private final Channel backend;
    private final MethodDescriptor<byte[], byte[]> connect;
    private final Duration pingInterval;

    private WebSocketBridge(Channel backend, MethodDescriptor<?, ?> connect, Duration pingInterval) {
        this.backend = backend;
        this.connect = connect.toBuilder(RawBytes.MARSHALLER, RawBytes.MARSHALLER).build();
        this.pingInterval = pingInterval;
    }

    /** The WebSocket service for one backend's Connect method. */
    public static WebSocketService service(Channel backend, MethodDescriptor<?, ?> connect, Predicate<String> allowedOrigin,
            int maxFrameBytes, Duration pingInterval) {
        return WebSocketService.builder(new WebSocketBridge(backend, connect, pingInterval))
                .allowedOrigin(allowedOrigin)
                .maxFramePayloadLength(maxFrameBytes)
                .build();
    }

    @Override
    public WebSocket handle(ServiceRequestContext ctx, WebSocket in) {
        ctx.clearRequestTimeout(); // a socket lives as long as its stream
        WebSocketWriter out = WebSocket.streaming();
        Session session = new Session(ctx, out, backend.newCall(connect, CallOptions.DEFAULT));
        in.subscribe(session, ctx.eventLoop());
        return out;
    }

    /** One socket and its call; every method runs on the socket's event loop or a gRPC thread. */
    private final class Session extends ClientCall.Listener<byte[]> implements Subscriber<WebSocketFrame> {

        private final ServiceRequestContext ctx;
        private final WebSocketWriter out;
        private final ClientCall<byte[], byte[]> call;
        private final ScheduledFuture<?> keepAlive;
        private Subscription frames;
        private volatile long lastHeardNanos = System.nanoTime();
        /** Whether a frame was asked for and not yet delivered; event loop only. */
        private boolean frameRequested;
        /** Whether the call was half-closed (a close frame, then the end of the frames); event loop only. */
        private boolean halfClosed;

        Session(ServiceRequestContext ctx, WebSocketWriter out, ClientCall<byte[], byte[]> call) {
            this.ctx = ctx;
            this.out = out;
            this.call = call;
            call.start(this, new Metadata());
            call.request(WRITE_WINDOW);
            long interval = pingInterval.toNanos();
            keepAlive = ctx.eventLoop().scheduleAtFixedRate(this::pingOrGiveUp, interval, interval, TimeUnit.NANOSECONDS);
            out.whenComplete().handle((done, failure) -> {
                // the socket is gone (closed by either side, or broken): so is the stream
                keepAlive.cancel(false);
                call.cancel("the WebSocket closed", null);
                return null;
            });
        }

        @Override
        public void onSubscribe(Subscription subscription) {
            frames = subscription;
            requestFrame();
        }

        @Override
        public void onNext(WebSocketFrame frame) {
            frameRequested = false;
            lastHeardNanos = System.nanoTime();
            switch (frame.type()) {
                case BINARY, TEXT -> call.sendMessage(frame.array()); // the service answers a bad one in-band
                case CLOSE -> halfClose(); // the client is done: the service ends the stream
                default -> { } // ping and pong: Armeria answers pings; either shows the client is alive
            }
            requestFrame();
        }

        @Override
        public void onError(Throwable t) {
            call.cancel("the WebSocket failed", t);
            out.close();
        }

        @Override
        public void onComplete() {
            halfClose(); // after a close frame, the frames end too: once is enough
        }

        private void halfClose() {
            if (!halfClosed) {
                halfClosed = true;
                call.halfClose();
            }
        }

        // --- the gRPC call ---

        @Override
        public void onMessage(byte[] event) {
            if (out.tryWrite(WebSocketFrame.ofBinary(event))) {
                out.whenConsumed().thenRunAsync(() -> call.request(1), ctx.eventLoop());
            }
        }

        @Override
        public void onReady() {
            ctx.eventLoop().execute(this::requestFrame);
        }

        @Override
        public void onClose(Status status, Metadata trailers) {
            Close close = closeOf(status);
            out.close(close.status(), close.reason());
            keepAlive.cancel(false);
        }

        /** Asks for the next frame once the call can take it (event loop only). */
        private void requestFrame() {
            if (frames != null && !frameRequested && call.isReady()) {
                frameRequested = true;
                frames.request(1);
            }
        }

        private void pingOrGiveUp() {
            if (System.nanoTime() - lastHeardNanos > 3 * pingInterval.toNanos()) {
                Close close = closeOf(Status.DEADLINE_EXCEEDED.withDescription("the client did not answer pings"));
                out.close(close.status(), close.reason());
            } else {
                out.writePing();
            }
        }
    }

    /** A close frame: its code and reason. */
    record Close(WebSocketCloseStatus status, String reason) {}

    /** The close frame for how the stream ended. */
    static Close closeOf(Status status) {
        if (status.isOk()) {
            return new Close(WebSocketCloseStatus.NORMAL_CLOSURE, "");
        }
        String reason = status.getCode() + (status.getDescription() == null ? "" : ": " + status.getDescription());
        byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > REASON_MAX_BYTES) {
            reason = new String(bytes, 0, REASON_MAX_BYTES, StandardCharsets.UTF_8).replace("\uFFFD", "");
        }
        return new Close(status.getCode() == Status.Code.INVALID_ARGUMENT ? WebSocketCloseStatus.POLICY_VIOLATION
                : WebSocketCloseStatus.ofPrivateUse(4000 + status.getCode().value(), status.getCode().name()), reason);
    }
}
