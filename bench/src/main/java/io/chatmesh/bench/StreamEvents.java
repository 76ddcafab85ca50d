package io.chatmesh.bench;

import com.google.protobuf.ByteString;
import io.chatmesh.proto.chat.v1.Ack;
import io.chatmesh.proto.chat.v1.MessageDeleted;
import io.chatmesh.proto.chat.v1.ReactionChanged;
import io.chatmesh.proto.chat.v1.ServerEvent;
import io.chatmesh.proto.common.v1.StreamError;
import io.chatmesh.proto.message.v1.Message;

/**
 * What one stream receives, across its calls: every MessageCreated, and every change of a
 * message (MessageEdited, MessageDeleted, ReactionChanged, by their event_seq: the room has
 * one sequence), is checked against the last seq this stream got for the room (duplicate, out
 * of order; that seq is also where a reopened call resumes), recorded in the ledger and timed
 * from its stamp; Acks and StreamErrors naming a client_id go to the stream's {@link Sender},
 * if it sends, and the room's messages to its {@link ChangeMix}, if it changes messages.
 *
 * <p>Called by one call's callbacks at a time, and a new call starts only after the last one
 * ended, so nothing here needs a lock.
 */
final class StreamEvents {

    private final ByteString roomId;
    private final Stats stats;
    private final DeliveryLedger ledger;
    private final DeliveryLedger changes;
    private final ChangeStamps changeStamps;
    private final MessageText.Stamp stamp;
    private Sender sender;
    private long lastSeq;
    /** The retry delay of the last StreamError about the stream itself (milliseconds), or -1. */
    private long streamRetryDelayMillis = -1;

    StreamEvents(String roomId, Sender.Context context) {
        this.roomId = ByteString.copyFromUtf8(roomId);
        this.stats = context.stats();
        this.ledger = context.messages();
        this.changes = context.changes();
        this.changeStamps = context.stamps();
        this.stamp = context.text().stamp();
    }

    void sendsFor(Sender sender) {
        this.sender = sender;
    }

    /**
     * The retry delay the server gave in a StreamError about the stream itself (a Hello refused
     * because too many streams are starting: the error comes just before the close), or -1;
     * forgets it.
     */
    long takeStreamRetryDelayMillis() {
        long delay = streamRetryDelayMillis;
        streamRetryDelayMillis = -1;
        return delay;
    }

    /** The seq of the newest message or change of the room this stream got. */
    long lastSeq() {
        return lastSeq;
    }

    /** Any event but Ready. */
    void received(ServerEvent event) {
        switch (event.getEventCase()) {
            case MESSAGE_CREATED -> delivered(event.getMessageCreated().getMessage());
            case MESSAGE_EDITED -> edited(event.getMessageEdited().getMessage(), event.getMessageEdited().getEventSeq());
            case MESSAGE_DELETED -> deleted(event.getMessageDeleted());
            case REACTION_CHANGED -> reacted(event.getReactionChanged());
            case ACK -> acked(event.getAck());
            case ERROR -> failed(event.getError());
            default -> { } // membership, presence, receipts: not part of the measurement
        }
    }

    private void delivered(Message message) {
        long now = System.nanoTime();
        if (!inOrder(message.getRoomIdBytes(), message.getSeq())) {
            return;
        }
        // a resume replays messages as they are now: an edited one's text is its edit's, a deleted one's empty
        boolean changed = message.hasEditTime() || message.hasDeleteTime();
        ChangeStamps.Stamp posted = changed ? changeStamps.posted(message.getId()) : null;
        boolean recognized = changed
                ? posted != null && ledger.delivered(posted.sender(), posted.n())
                : stamp.read(message.getTextBytes()) && ledger.delivered(stamp.sender, stamp.n);
        if (!recognized) {
            stats.count(Stats.Counter.UNRECOGNIZED);
            return;
        }
        int from = changed ? posted.sender() : stamp.sender;
        long n = changed ? posted.n() : stamp.n;
        stats.delivered(from, now - (changed ? posted.nanos() : stamp.nanos));
        ChangeMix mix = sender == null ? null : sender.mix();
        if (mix != null) {
            mix.seen(message.getId(), n);
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
            streamRetryDelayMillis = error.hasRetryDelay()
                    ? error.getRetryDelay().getSeconds() * 1000 + error.getRetryDelay().getNanos() / 1_000_000 : -1;
        } else if (!fromSender(error.getClientIdBytes())) {
            stats.count(Stats.Counter.UNRECOGNIZED);
        } else if (stamp.change) {
            sender.changeFailed(stamp.n, "stream error", error.getCode(), error.getReason());
        } else {
            sender.failed(stamp.n, "stream error", error.getCode(), error.getReason());
        }
    }

    /** Whether the client_id is one of this stream's sender's (a change only if it makes changes); reads the stamp. */
    private boolean fromSender(ByteString clientId) {
        return sender != null && stamp.read(clientId) && stamp.sender == sender.index()
                && (!stamp.change || sender.mix() != null);
    }
}
