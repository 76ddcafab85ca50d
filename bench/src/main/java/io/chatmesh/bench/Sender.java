package io.chatmesh.bench;

import io.chatmesh.proto.chat.v1.ChatServiceGrpc;
import io.chatmesh.proto.chat.v1.ClientEvent;
import io.chatmesh.proto.chat.v1.DeleteMessageEvent;
import io.chatmesh.proto.chat.v1.DeleteMessageRequest;
import io.chatmesh.proto.chat.v1.EditMessageEvent;
import io.chatmesh.proto.chat.v1.EditMessageRequest;
import io.chatmesh.proto.chat.v1.ReactEvent;
import io.chatmesh.proto.chat.v1.ReactToMessageRequest;
import io.chatmesh.proto.chat.v1.SendMessageEvent;
import io.chatmesh.proto.chat.v1.SendMessageRequest;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A member who posts: numbers each message in the ledger, stamps it, and sends it on its own
 * stream (answered there by an Ack or a StreamError) or with unary SendMessage. Answers are
 * counted and passed to {@code onAnswer} (how a flooder keeps its window full). With a
 * {@link ChangeMix}, some operations are message changes instead (edit, delete, react; on
 * the stream or with their unary twins), numbered in the change ledger and stamped in the
 * edit's text or in {@link ChangeStamps}.
 *
 * <p>Every operation stays in hand until it is answered ({@link Unanswered}), which is what a
 * reopened stream sends again.
 */
final class Sender {

    private static final long UNARY_DEADLINE_SECONDS = 30;

    /** What a sender posts with and records into. */
    record Context(MessageText text, DeliveryLedger messages, DeliveryLedger changes, ChangeStamps stamps,
            Stats stats) {}

    private final int index;
    private final String roomId;
    private final StreamClient stream;
    /** Null when sending on the stream. */
    private final ChatServiceGrpc.ChatServiceStub unary;
    private final MessageText text;
    private final DeliveryLedger ledger;
    private final DeliveryLedger changes;
    private final ChangeStamps stamps;
    private final Stats stats;
    /** Null without --change-share (and for flooders). */
    private final ChangeMix mix;
    private final Unanswered unanswered;
    private volatile Runnable onAnswer = () -> { };

    Sender(int index, String roomId, StreamClient stream, ChatServiceGrpc.ChatServiceStub unary, Context context,
            ChangeMix mix) {
        this.index = index;
        this.roomId = roomId;
        this.stream = stream;
        this.unary = unary;
        this.text = context.text();
        this.ledger = context.messages();
        this.changes = context.changes();
        this.stamps = context.stamps();
        this.stats = context.stats();
        this.mix = mix;
        this.unanswered = new Unanswered(unary == null ? stream : null, stats);
        stream.sendsFor(this);
    }

    /** A sender on the given workload's path: its stream, or unary calls as its user on {@code channel}. */
    static Sender of(Workload.SendVia via, int index, String roomId, StreamClient stream, Setup.User user,
            Channel channel, Context context, ChangeMix mix) {
        ChatServiceGrpc.ChatServiceStub unary = via == Workload.SendVia.UNARY
                ? Connections.as(ChatServiceGrpc.newStub(channel), user.token())
                : null;
        return new Sender(index, roomId, stream, unary, context, mix);
    }

    int index() {
        return index;
    }

    /** Null unless this sender makes changes. */
    ChangeMix mix() {
        return mix;
    }

    void onAnswer(Runnable onAnswer) {
        this.onAnswer = onAnswer;
    }

    /**
     * Sends the next operation, stamped with {@code nanos}: when it was due. A new message,
     * or a change when one is due and there is something to change. One thread at a time.
     */
    void send(long nanos) {
        if (mix != null && mix.changeDue()) {
            ChangeMix.Change change = mix.next();
            if (change != null) {
                change(change, nanos);
                return;
            }
        }
        long n = ledger.next(index);
        ClientEvent event = ClientEvent.newBuilder().setClientId(text.clientId(nanos, index, n))
                .setSend(SendMessageEvent.newBuilder().setRoomId(roomId).setText(text.text(nanos, index, n)))
                .build();
        stats.sent(index);
        unanswered.send(n, event);
        if (unary != null) {
            unary.withDeadlineAfter(UNARY_DEADLINE_SECONDS, TimeUnit.SECONDS)
                    .sendMessage(SendMessageRequest.newBuilder().setClientId(event.getClientId())
                                    .setMessage(event.getSend()).build(),
                            answer(response -> acked(n, nanos, response.getMessage().getId()),
                                    failure -> failed(n, "unary", Status.fromThrowable(failure).getCode().value(),
                                            Stats.reason(failure))));
        }
    }

    /** The stream was reopened (its Ready came): what was not answered goes out again. */
    void resend() {
        unanswered.resend(n -> mix.answered(n, false));
    }

    /** Whether a change is unanswered (and so a dropped call would leave its outcome unknown). */
    boolean changesUnanswered() {
        return unanswered.changesUnanswered();
    }

    private void change(ChangeMix.Change change, long nanos) {
        long n = changes.next(index);
        mix.sent(n, change);
        ChangeStamps.Stamp stamp = new ChangeStamps.Stamp(index, n, nanos);
        ClientEvent.Builder event = ClientEvent.newBuilder().setClientId(text.changeClientId(nanos, index, n));
        switch (change.kind()) {
            case EDIT -> {
                stats.count(Stats.Counter.EDITS_SENT);
                event.setEdit(EditMessageEvent.newBuilder().setRoomId(roomId).setMessageId(change.messageId())
                        .setText(text.text(nanos, index, n)));
            }
            case DELETE -> {
                stats.count(Stats.Counter.DELETES_SENT);
                stamps.deleting(change.messageId(), stamp);
                event.setDelete(DeleteMessageEvent.newBuilder().setRoomId(roomId).setMessageId(change.messageId()));
            }
            case REACT, UNREACT -> {
                boolean add = change.kind() == ChangeMix.Kind.REACT;
                stats.count(add ? Stats.Counter.REACTIONS_ADDED : Stats.Counter.REACTIONS_REMOVED);
                stamps.reacting(change.messageId(), stream.user().id(), change.emoji(), add, stamp);
                event.setReact(ReactEvent.newBuilder().setRoomId(roomId).setMessageId(change.messageId())
                        .setEmoji(change.emoji()).setRemove(!add));
            }
        }
        unanswered.change(n, event.build());
        if (unary != null) {
            sendUnary(event, n, nanos);
        }
    }

    /** The change as its unary twin (EditMessage, DeleteMessage, ReactToMessage). */
    private void sendUnary(ClientEvent.Builder event, long n, long nanos) {
        ChatServiceGrpc.ChatServiceStub stub = unary.withDeadlineAfter(UNARY_DEADLINE_SECONDS, TimeUnit.SECONDS);
        Consumer<Throwable> failed = failure -> changeFailed(n, "unary", Status.fromThrowable(failure).getCode().value(),
                Stats.reason(failure));
        switch (event.getEventCase()) {
            case EDIT -> stub.editMessage(EditMessageRequest.newBuilder().setEdit(event.getEdit()).build(),
                    answer(response -> changeAcked(n, nanos), failed));
            case DELETE -> stub.deleteMessage(DeleteMessageRequest.newBuilder().setDelete(event.getDelete()).build(),
                    answer(response -> changeAcked(n, nanos), failed));
            case REACT -> stub.reactToMessage(ReactToMessageRequest.newBuilder().setReact(event.getReact()).build(),
                    answer(response -> changeAcked(n, nanos), failed));
            default -> throw new IllegalArgumentException("not a change: " + event.getEventCase());
        }
    }

    /** Send {@code n} was acked; a second answer (to a send made again on a reopened stream) only counts. */
    void acked(long n, long nanos, String messageId) {
        if (!unanswered.sendAnswered(n)) {
            return;
        }
        long latency = System.nanoTime() - nanos;
        ledger.acked(index, n);
        stats.acked(index, latency);
        if (mix != null) {
            // a resume replays an edited or deleted message without its text's stamp: files it by id
            stamps.posted(messageId, new ChangeStamps.Stamp(index, n, nanos));
            mix.ownAcked(messageId, n);
        }
        onAnswer.run();
    }

    void failed(long n, String where, int code, String reason) {
        if (unanswered.sendAnswered(n)) {
            stats.sendFailed(index, where, code, reason);
            onAnswer.run();
        }
    }

    void changeAcked(long n, long nanos) {
        if (unanswered.changeAnswered(n)) {
            long latency = System.nanoTime() - nanos;
            changes.acked(index, n);
            stats.changeAcked(latency);
            mix.answered(n, true);
        }
    }

    void changeFailed(long n, String where, int code, String reason) {
        if (unanswered.changeAnswered(n)) {
            stats.changeFailed(where, code, reason);
            mix.answered(n, false);
        }
    }

    private static <T> StreamObserver<T> answer(Consumer<T> onAnswer, Consumer<Throwable> onFailure) {
        return new StreamObserver<>() {
            @Override
            public void onNext(T response) {
                onAnswer.accept(response);
            }

            @Override
            public void onError(Throwable failure) {
                onFailure.accept(failure);
            }

            @Override
            public void onCompleted() {
            }
        };
    }
}
