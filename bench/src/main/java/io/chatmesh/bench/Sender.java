package io.chatmesh.bench;

import io.chatmesh.proto.chat.v1.ChatServiceGrpc;
import io.chatmesh.proto.chat.v1.ClientEvent;
import io.chatmesh.proto.chat.v1.SendMessageEvent;
import io.chatmesh.proto.chat.v1.SendMessageRequest;
import io.chatmesh.proto.chat.v1.SendMessageResponse;
import io.grpc.Channel;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.TimeUnit;

/**
 * A member who posts: numbers each message in the ledger, stamps it, and sends it on its own
 * stream (answered there by an Ack or a StreamError) or with unary SendMessage. Answers are
 * counted and passed to {@code onAnswer} (how a flooder keeps its window full).
 */
final class Sender {

    private static final long UNARY_DEADLINE_SECONDS = 30;

    private final int index;
    private final String roomId;
    private final StreamClient stream;
    /** Null when sending on the stream. */
    private final ChatServiceGrpc.ChatServiceStub unary;
    private final MessageText text;
    private final MessageLedger ledger;
    private final Stats stats;
    private volatile Runnable onAnswer = () -> { };

    Sender(int index, String roomId, StreamClient stream, ChatServiceGrpc.ChatServiceStub unary, MessageText text,
            MessageLedger ledger, Stats stats) {
        this.index = index;
        this.roomId = roomId;
        this.stream = stream;
        this.unary = unary;
        this.text = text;
        this.ledger = ledger;
        this.stats = stats;
        stream.sendsFor(this);
    }

    /** A sender on the given workload's path: its stream, or unary calls as its user on {@code channel}. */
    static Sender of(Workload.SendVia via, int index, String roomId, StreamClient stream, Setup.User user,
            Channel channel, MessageText text, MessageLedger ledger, Stats stats) {
        ChatServiceGrpc.ChatServiceStub unary = via == Workload.SendVia.UNARY
                ? Connections.as(ChatServiceGrpc.newStub(channel), user.token())
                : null;
        return new Sender(index, roomId, stream, unary, text, ledger, stats);
    }

    int index() {
        return index;
    }

    void onAnswer(Runnable onAnswer) {
        this.onAnswer = onAnswer;
    }

    /** Sends the next message, stamped with {@code nanos}: when it was due. One thread at a time. */
    void send(long nanos) {
        long n = ledger.next(index);
        String clientId = text.clientId(nanos, index, n);
        SendMessageEvent message = SendMessageEvent.newBuilder()
                .setRoomId(roomId).setText(text.text(nanos, index, n)).build();
        stats.sent(index);
        if (unary == null) {
            stream.send(ClientEvent.newBuilder().setClientId(clientId).setSend(message).build());
        } else {
            unary.withDeadlineAfter(UNARY_DEADLINE_SECONDS, TimeUnit.SECONDS)
                    .sendMessage(SendMessageRequest.newBuilder().setClientId(clientId).setMessage(message).build(),
                            new UnaryAnswer(n, nanos));
        }
    }

    void acked(long n, long nanos) {
        long latency = System.nanoTime() - nanos;
        ledger.acked(index, n);
        stats.acked(index, latency);
        onAnswer.run();
    }

    void failed(String where, int code, String reason) {
        stats.sendFailed(index, where, code, reason);
        onAnswer.run();
    }

    private final class UnaryAnswer implements StreamObserver<SendMessageResponse> {
        private final long n;
        private final long nanos;

        UnaryAnswer(long n, long nanos) {
            this.n = n;
            this.nanos = nanos;
        }

        @Override
        public void onNext(SendMessageResponse response) {
            acked(n, nanos);
        }

        @Override
        public void onError(Throwable failure) {
            failed("unary", io.grpc.Status.fromThrowable(failure).getCode().value(), Stats.reason(failure));
        }

        @Override
        public void onCompleted() {
        }
    }
}
