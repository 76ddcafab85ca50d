package io.chatmesh.chat.api;

import io.chatmesh.chat.bus.LiveSession;
import io.chatmesh.chat.bus.RoomDelivery;
import io.chatmesh.chat.bus.ServerFrame;
import io.chatmesh.platform.stream.OutboundQueue;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A chat stream as the fan-out sees it. Until {@link #goLive} it buffers what the fan-out
 * delivers (Ready and the resume's replay go first); then it passes events straight to the
 * stream's queue.
 *
 * <p>The buffer is bounded. When it overflows with nothing in it that a session may not skip
 * (messages and changes, which history has; typing), the session drops it and everything
 * after it that it may skip, and {@link #goLive} says so: the start then reads on from history
 * (a catch-up round, see {@link SessionStart}). Anything else (a membership change, a receipt,
 * presence, a call) in an overflowing buffer closes the stream as a slow consumer, and so does a
 * room joined meanwhile: the client resumes instead.
 *
 * <p>Each room's messages reach the client in seq order, each once: a message at or below the
 * room's last seq the client has is a repeat and is dropped. A room publishes its messages in
 * seq order and each names the seq before it ({@link RoomDelivery#prevSeq}); one whose
 * previous seq is above the client's last means messages were lost on their way to this
 * instance, and the stream is closed with {@link #MISSED_EVENTS}: the client resumes from its
 * cursors and gets them from history, rather than silently never.
 */
final class StreamSession implements LiveSession {

    /** Status of a stream that missed room events. */
    static final Status MISSED_EVENTS =
            Status.UNAVAILABLE.withDescription("RESYNC: this stream missed room events; reconnect and resume from your cursors");

    private final String userId;
    private final String sessionId;
    private final OutboundQueue<ServerFrame> queue;
    private final int bufferCapacity;
    private final Object lock = new Object();
    /** Events delivered before the session went live; null once live. */
    private List<RoomDelivery> buffer = new ArrayList<>();
    /** The buffer overflowed with events the session may skip: they and later ones are dropped until {@link #goLive}. */
    private boolean skipping;
    /** Rooms joined while buffering: their seqs start over. */
    private final Set<String> joinedWhileBuffering = new HashSet<>();
    /** Per room, the seq of the newest message the client has; set when the session goes live. */
    private Map<String, Long> lastSeqs;

    StreamSession(String userId, String sessionId, OutboundQueue<ServerFrame> queue, int bufferCapacity) {
        this.userId = userId;
        this.sessionId = sessionId;
        this.queue = queue;
        this.bufferCapacity = bufferCapacity;
    }

    String sessionId() {
        return sessionId;
    }

    @Override
    public String userId() {
        return userId;
    }

    @Override
    public void deliver(RoomDelivery delivery) {
        synchronized (lock) {
            if (buffer == null) {
                pass(delivery);
            } else if (skipping ? !delivery.recoverable() : !buffer(delivery)) {
                queue.close(OutboundQueue.SLOW_CONSUMER);
            }
        }
    }

    /** Buffers the event, or starts skipping when it overflows the buffer; false when it may not skip it. */
    private boolean buffer(RoomDelivery delivery) {
        if (buffer.size() < bufferCapacity) {
            buffer.add(delivery);
            return true;
        }
        if (!joinedWhileBuffering.isEmpty() || !delivery.recoverable()
                || !buffer.stream().allMatch(RoomDelivery::recoverable)) {
            return false;
        }
        buffer.clear();
        skipping = true;
        return true;
    }

    /** The user joined (or was added to) the room again: whatever it had of the room is history. */
    @Override
    public void joined(String roomId) {
        synchronized (lock) {
            if (skipping) {
                queue.close(OutboundQueue.SLOW_CONSUMER); // the catch-up reads on in the rooms it started with only
            } else if (lastSeqs == null) {
                joinedWhileBuffering.add(roomId);
            } else {
                lastSeqs.remove(roomId);
            }
        }
    }

    /**
     * Releases the buffered events and goes live; unless events were skipped, in which case the
     * session buffers again from now on and stays as it is.
     *
     * @param clientSeqs per room, the newest seq the client has (its cursor, what the resume
     *        replayed, or for a room it did not resume the room's seq as of Ready)
     * @return false when events were skipped: the client must first get the rooms' history after {@code clientSeqs}
     */
    boolean goLive(Map<String, Long> clientSeqs) {
        synchronized (lock) {
            if (skipping) {
                skipping = false;
                return false;
            }
            lastSeqs = new HashMap<>(clientSeqs);
            joinedWhileBuffering.forEach(lastSeqs::remove);
            for (RoomDelivery delivery : buffer) {
                pass(delivery);
            }
            buffer = null;
            return true;
        }
    }

    private void pass(RoomDelivery delivery) {
        if (delivery.isMessage()) {
            Long last = lastSeqs.get(delivery.roomId());
            if (last != null && delivery.seq() <= last) {
                return;
            }
            if (last != null && delivery.prevSeq() > last) {
                queue.close(MISSED_EVENTS);
                return;
            }
            lastSeqs.put(delivery.roomId(), delivery.seq());
        }
        queue.offer(delivery.frameFor(userId));
    }
}
