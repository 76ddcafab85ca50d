package io.chatmesh.launcher;

import io.chatmesh.platform.auth.BearerCallCredentials;
import io.chatmesh.proto.chat.v1.ChatServiceGrpc;
import io.chatmesh.proto.chat.v1.ClientEvent;
import io.chatmesh.proto.chat.v1.Hello;
import io.chatmesh.proto.chat.v1.SendMessageEvent;
import io.chatmesh.proto.chat.v1.SendMessageRequest;
import io.chatmesh.proto.chat.v1.SendMessageResponse;
import io.chatmesh.proto.chat.v1.ServerEvent;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Concurrent senders into one room through the public API, each a user of its own with one
 * send in flight at a time and client ids of its own: some on chat streams (Hello, then
 * ClientEvent.send answered by an Ack), some with unary SendMessage. A send answered
 * RESOURCE_EXHAUSTED or UNAVAILABLE is resent with the same client id after a pause, as a
 * client would. Records every send that was acked. A sender stops at {@link #stop()}, or when
 * its stream or call fails otherwise (as all do once the server is gone).
 */
final class ChatLoad {

    /** What an ack named, and whose send it was. */
    record Acked(String user, String messageId, long seq) {}

    private static final Executor AFTER_A_PAUSE = CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS);

    private final Channel channel;
    private final String roomId;
    private final Map<String, Acked> acked = new ConcurrentHashMap<>();
    /** client id → user, for every send made. */
    private final Map<String, String> sent = new ConcurrentHashMap<>();
    private final AtomicInteger running = new AtomicInteger();
    private volatile boolean stopped;

    private ChatLoad(Channel channel, String roomId) {
        this.channel = channel;
        this.roomId = roomId;
    }

    /** Starts one sender per user (username → access token), on a chat stream or unary. */
    static ChatLoad start(Channel channel, String roomId, Map<String, String> streamSenders, Map<String, String> unarySenders) {
        ChatLoad load = new ChatLoad(channel, roomId);
        load.running.addAndGet(streamSenders.size() + unarySenders.size());
        streamSenders.forEach((user, token) -> load.new StreamSender(user, token).open());
        unarySenders.forEach((user, token) -> load.sendUnary(user, token, user + "-0"));
        return load;
    }

    /** The text of the message sent with {@code clientId}, the same on every attempt. */
    static String text(String clientId) {
        return "crash test " + clientId;
    }

    static SendMessageEvent message(String roomId, String clientId) {
        return SendMessageEvent.newBuilder().setRoomId(roomId).setText(text(clientId)).build();
    }

    /** Codes after which a client resends with the same client id: "slow down" and "outcome unknown". */
    static boolean retryable(Status.Code code) {
        return code == Status.Code.RESOURCE_EXHAUSTED || code == Status.Code.UNAVAILABLE;
    }

    /** Waits until {@code count} sends are acked or {@code atMost} has passed since the first ack. */
    void awaitAcked(int count, Duration atMost) {
        awaitUntil(() -> !acked.isEmpty() || running.get() == 0, Duration.ofSeconds(60));
        Instant deadline = Instant.now().plus(atMost);
        awaitUntil(() -> acked.size() >= count || running.get() == 0 || Instant.now().isAfter(deadline), atMost);
    }

    /** No new sends from now on; sends in flight still complete or fail. */
    void stop() {
        stopped = true;
    }

    /** Waits until every sender has stopped (its last send answered or failed); false if one still runs. */
    boolean awaitStopped(Duration atMost) {
        return awaitUntil(() -> running.get() == 0, atMost);
    }

    /** client id → what its ack named, for every acked send so far. */
    Map<String, Acked> acked() {
        return Map.copyOf(acked);
    }

    int sent() {
        return sent.size();
    }

    /** client id → user of the sends not acked: their outcome is unknown, a client would resend them. */
    Map<String, String> unacked() {
        Map<String, String> unacked = new TreeMap<>(sent);
        unacked.keySet().removeAll(acked.keySet());
        return unacked;
    }

    private static String nextClientId(String clientId) {
        int dash = clientId.lastIndexOf('-');
        return clientId.substring(0, dash + 1) + (Integer.parseInt(clientId.substring(dash + 1)) + 1);
    }

    private void sendUnary(String user, String token, String clientId) {
        if (stopped) {
            running.decrementAndGet();
            return;
        }
        sent.put(clientId, user);
        Accounts.as(ChatServiceGrpc.newStub(channel), token).sendMessage(
                SendMessageRequest.newBuilder().setClientId(clientId).setMessage(message(roomId, clientId)).build(),
                new StreamObserver<>() {
                    @Override
                    public void onNext(SendMessageResponse response) {
                        acked.put(clientId, new Acked(user, response.getMessage().getId(), response.getMessage().getSeq()));
                    }

                    @Override
                    public void onError(Throwable t) {
                        if (retryable(Status.fromThrowable(t).getCode())) {
                            AFTER_A_PAUSE.execute(() -> sendUnary(user, token, clientId));
                        } else {
                            running.decrementAndGet();
                        }
                    }

                    @Override
                    public void onCompleted() {
                        sendUnary(user, token, nextClientId(clientId));
                    }
                });
    }

    private static boolean awaitUntil(BooleanSupplier condition, Duration atMost) {
        Instant deadline = Instant.now().plus(atMost);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                return false;
            }
            try {
                TimeUnit.MILLISECONDS.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** One chat stream sending its next message when the previous one is answered. */
    private final class StreamSender implements StreamObserver<ServerEvent> {

        private final String user;
        private final String token;
        private StreamObserver<ClientEvent> out;
        private volatile String clientId;
        private volatile boolean ended;

        StreamSender(String user, String token) {
            this.user = user;
            this.token = token;
            this.clientId = user + "-0";
        }

        void open() {
            out = ChatServiceGrpc.newStub(channel).withCallCredentials(BearerCallCredentials.of(token)).connect(this);
            out.onNext(ClientEvent.newBuilder().setHello(Hello.newBuilder().setDeviceId(user)).build());
        }

        @Override
        public void onNext(ServerEvent event) {
            if (event.hasReady()) {
                send();
            } else if (event.hasAck() && event.getAck().getClientId().equals(clientId)) {
                acked.put(clientId, new Acked(user, event.getAck().getMessageId(), event.getAck().getSeq()));
                clientId = nextClientId(clientId);
                send();
            } else if (event.hasError() && event.getError().getClientId().equals(clientId)) {
                if (retryable(Status.fromCodeValue(event.getError().getCode()).getCode())) {
                    AFTER_A_PAUSE.execute(this::send);
                } else {
                    clientId = nextClientId(clientId);
                    send();
                }
            }
        }

        /** Sends {@link #clientId} (again, after a retryable error); one send in flight, so never concurrently. */
        private void send() {
            if (ended) {
                return;
            }
            if (stopped) {
                out.onCompleted();
                end();
                return;
            }
            sent.put(clientId, user);
            out.onNext(ClientEvent.newBuilder().setClientId(clientId).setSend(message(roomId, clientId)).build());
        }

        @Override
        public void onError(Throwable t) {
            end();
        }

        @Override
        public void onCompleted() {
            end();
        }

        /** Reached from the stream's end and from stop(), on different threads. */
        private synchronized void end() {
            if (!ended) {
                ended = true;
                running.decrementAndGet();
            }
        }
    }
}
