package io.chatmesh.bench;

import com.google.protobuf.ByteString;
import io.chatmesh.proto.chat.v1.Ack;
import io.chatmesh.proto.chat.v1.ChatServiceGrpc;
import io.chatmesh.proto.chat.v1.ClientEvent;
import io.chatmesh.proto.chat.v1.Hello;
import io.chatmesh.proto.chat.v1.MessageDeleted;
import io.chatmesh.proto.chat.v1.ReactionChanged;
import io.chatmesh.proto.chat.v1.ServerEvent;
import io.chatmesh.proto.common.v1.StreamError;
import io.chatmesh.proto.message.v1.Message;
import io.grpc.Channel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One ChatService.Connect stream of one member: Hello, Ready, then counting what arrives.
 * Every MessageCreated, and every change of a message (MessageEdited, MessageDeleted,
 * ReactionChanged, by their event_seq: the room has one sequence), is checked against the
 * last seq this stream got for the room (duplicate, out of order), recorded in its ledger and
 * timed from its stamp; Acks and StreamErrors naming a client_id go to the stream's
 * {@link Sender}, if it sends, and the room's messages to its {@link ChangeMix}, if it changes
 * messages.
 *
 * <p>gRPC calls the callbacks of one stream one at a time (on a transport thread), so the
 * stream's own fields need no synchronization.
 */
final class StreamClient implements ClientResponseObserver<ClientEvent, ServerEvent> {

    private final Setup.User user;
    private final Channel channel;
    private final ByteString roomId;
    private final Stats stats;
    private final DeliveryLedger ledger;
    private final DeliveryLedger changes;
    private final ChangeStamps changeStamps;
    private final MessageText.Stamp stamp;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final CountDownLatch ended = new CountDownLatch(1);
    private ClientCallStreamObserver<ClientEvent> requests;
    private Sender sender;
    private long lastSeq;
    private volatile boolean closing;

    StreamClient(Setup.User user, Channel channel, String roomId, Sender.Context context) {
        this.user = user;
        this.channel = channel;
        this.roomId = ByteString.copyFromUtf8(roomId);
        this.stats = context.stats();
        this.ledger = context.messages();
        this.changes = context.changes();
        this.changeStamps = context.stamps();
        this.stamp = context.text().stamp();
    }

    /** Makes this stream the one the sender's Acks and errors come back on; before {@link #connect}. */
    void sendsFor(Sender sender) {
        this.sender = sender;
    }

    Setup.User user() {
        return user;
    }

    /** The connection this stream uses (and its user's unary sends). */
    Channel channel() {
        return channel;
    }

    /** Opens the stream and says Hello (no resume); {@link #ready()} completes with Ready. */
    void connect() {
        Connections.as(ChatServiceGrpc.newStub(channel), user.token()).connect(this);
        requests.onNext(ClientEvent.newBuilder().setHello(Hello.newBuilder().setDeviceId("bench")).build());
    }

    CompletableFuture<Void> ready() {
        return ready;
    }

    /** Sends an event; callers make sure only one thread sends at a time. */
    void send(ClientEvent event) {
        requests.onNext(event);
    }

    /** Says we are done; the server then ends the stream. Nothing is sent after this. */
    void halfClose() {
        closing = true;
        if (requests != null && ended.getCount() > 0) {
            requests.onCompleted();
        }
    }

    /** Waits until the server ended the stream, at most until {@code deadline}; then cancels it. */
    void awaitEnd(long deadline) throws InterruptedException {
        if (requests != null && !ended.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
            requests.cancel("the bench is done", null);
        }
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<ClientEvent> requests) {
        this.requests = requests;
    }

    @Override
    public void onNext(ServerEvent event) {
        switch (event.getEventCase()) {
            case MESSAGE_CREATED -> delivered(event.getMessageCreated().getMessage());
            case MESSAGE_EDITED -> edited(event.getMessageEdited().getMessage(), event.getMessageEdited().getEventSeq());
            case MESSAGE_DELETED -> deleted(event.getMessageDeleted());
            case REACTION_CHANGED -> reacted(event.getReactionChanged());
            case ACK -> acked(event.getAck());
            case ERROR -> failed(event.getError());
            case READY -> ready.complete(null);
            default -> { } // membership, presence, receipts: not part of the measurement
        }
    }

    private void delivered(Message message) {
        long now = System.nanoTime();
        if (!inOrder(message.getRoomIdBytes(), message.getSeq())) {
            return;
        }
        if (!stamp.read(message.getTextBytes()) || !ledger.delivered(stamp.sender, stamp.n)) {
            stats.count(Stats.Counter.UNRECOGNIZED);
            return;
        }
        stats.delivered(stamp.sender, now - stamp.nanos);
        ChangeMix mix = sender == null ? null : sender.mix();
        if (mix != null) {
            mix.seen(message.getId(), stamp.n);
        }
    }

    /** An edit's new text carries the change's stamp. */
    private void edited(Message message, long eventSeq) {
        long now = System.nanoTime();
        if (inOrder(message.getRoomIdBytes(), eventSeq)) {
            changeDelivered(now, stamp.read(message.getTextBytes()) && changes.delivered(stamp.sender, stamp.n),
                    stamp.nanos);
        }
    }

    private void deleted(MessageDeleted deleted) {
        long now = System.nanoTime();
        if (inOrder(deleted.getRoomIdBytes(), deleted.getEventSeq())) {
            changeDelivered(now, changeStamps.deleted(deleted.getMessageId()));
        }
    }

    private void reacted(ReactionChanged reaction) {
        long now = System.nanoTime();
        if (inOrder(reaction.getRoomIdBytes(), reaction.getEventSeq())) {
            changeDelivered(now, changeStamps.reacted(reaction.getMessageId(), reaction.getUserId(),
                    reaction.getEmoji(), reaction.getAdded()));
        }
    }

    private void changeDelivered(long now, ChangeStamps.Stamp filed) {
        changeDelivered(now, filed != null && changes.delivered(filed.sender(), filed.n()),
                filed == null ? 0 : filed.nanos());
    }

    private void changeDelivered(long now, boolean recognized, long due) {
        if (recognized) {
            stats.changeDelivered(now - due);
        } else {
            stats.count(Stats.Counter.UNRECOGNIZED);
        }
    }

    /**
     * Checks the seq (a message's, or a change's event_seq: one sequence per room) against the
     * last one this stream got; false, counted, for an event of a room not this run's.
     */
    private boolean inOrder(ByteString eventRoomId, long seq) {
        if (!eventRoomId.equals(roomId)) {
            stats.count(Stats.Counter.OTHER_ROOM);
            return false;
        }
        if (seq == lastSeq) {
            stats.count(Stats.Counter.DUPLICATE);
        } else if (seq < lastSeq) {
            stats.count(Stats.Counter.OUT_OF_ORDER);
        } else {
            lastSeq = seq;
        }
        return true;
    }

    private void acked(Ack ack) {
        if (!fromSender(ack.getClientIdBytes())) {
            stats.count(Stats.Counter.UNRECOGNIZED);
        } else if (stamp.change) {
            sender.changeAcked(stamp.n, stamp.nanos);
        } else {
            sender.acked(stamp.n, stamp.nanos, ack.getMessageId());
        }
    }

    private void failed(StreamError error) {
        if (error.getClientId().isEmpty()) {
            stats.error("stream error", error.getCode(), error.getReason());
        } else if (!fromSender(error.getClientIdBytes())) {
            stats.count(Stats.Counter.UNRECOGNIZED);
        } else if (stamp.change) {
            sender.changeFailed(stamp.n, "stream error", error.getCode(), error.getReason());
        } else {
            sender.failed("stream error", error.getCode(), error.getReason());
        }
    }

    /** Whether the client_id is one of this stream's sender's (a change only if it makes changes); reads the stamp. */
    private boolean fromSender(ByteString clientId) {
        return sender != null && stamp.read(clientId) && stamp.sender == sender.index()
                && (!stamp.change || sender.mix() != null);
    }

    @Override
    public void onError(Throwable failure) {
        if (!closing) {
            stats.error("stream closed", failure);
        }
        ready.completeExceptionally(failure);
        ended.countDown();
    }

    @Override
    public void onCompleted() {
        if (!closing) {
            stats.error("stream closed", io.grpc.Status.Code.OK.value(), "");
        }
        ready.completeExceptionally(new IllegalStateException("the server ended the stream"));
        ended.countDown();
    }
}
