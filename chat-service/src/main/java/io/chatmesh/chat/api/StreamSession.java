package io.chatmesh.chat.api;

import io.chatmesh.chat.bus.LiveSession;
import io.chatmesh.chat.bus.RoomDelivery;
import io.chatmesh.chat.bus.RoomDelivery.Order;
import io.chatmesh.chat.bus.ServerFrame;
import io.chatmesh.platform.error.ChatmeshException;
import io.chatmesh.platform.stream.OutboundQueue;
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
 * <p>The buffer is bounded. When it overflows with nothing in it that must reach the client in
 * order ({@link Order#STRICT}: membership changes, calls), the session starts skipping: it drops
 * the room entries, which history has, and typing, and keeps newest states (presence, receipts)
 * aside to pass on when it goes live, and {@link #goLive} says so: the start then reads on from
 * history (a catch-up round, see {@link SessionStart}). A strict event in an overflowing buffer or
 * while skipping, too many states kept, or a room joined meanwhile close the stream as a slow
 * consumer instead: the client resumes.
 *
 * <p>Each room's messages reach the client in seq order, each once: a message at or below the
 * room's last seq the client has is a repeat and is dropped. A room publishes its messages in
 * seq order and each names the seq before it ({@link RoomDelivery#prevSeq}); one whose
 * previous seq is above the client's last means messages were lost on their way to this
 * instance, and the stream is closed with {@link #MISSED_EVENTS}: the client resumes from its
 * cursors and gets them from history, rather than silently never.
 */
final class StreamSession implements LiveSession {

    /** Why a stream that missed room events is closed (UNAVAILABLE). */
    static final ChatmeshException MISSED_EVENTS =
            ChatmeshException.unavailable("RESYNC: this stream missed room events; reconnect and resume from your cursors");

    private final String userId;
    private final String sessionId;
    private final OutboundQueue<ServerFrame> queue;
    private final int bufferCapacity;
    private final Object lock = new Object();
    /** Events delivered before the session went live; null once live. */
    private List<RoomDelivery> buffer = new ArrayList<>();
    /** Events in the buffer that must reach the client in order. */
    private int strictBuffered;
    /** The buffer overflowed: events are skipped (dropped, or states kept aside) until {@link #goLive}. */
    private boolean skipping;
    /** States kept aside while skipping, passed on when the session goes live. */
    private final List<RoomDelivery> keptStates = new ArrayList<>();
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
            } else if (!(skipping ? skip(delivery) : buffer(delivery))) {
                queue.closeAsSlowConsumer();
            }
        }
    }

    /** Buffers the event, or starts skipping when it overflows the buffer; false when that cannot be. */
    private boolean buffer(RoomDelivery delivery) {
        if (buffer.size() < bufferCapacity) {
            buffer.add(delivery);
            if (delivery.order() == Order.STRICT) {
                strictBuffered++;
            }
            return true;
        }
        if (strictBuffered > 0 || !joinedWhileBuffering.isEmpty()) {
            return false;
        }
        skipping = true;
        for (RoomDelivery buffered : buffer) {
            if (!skip(buffered)) {
                return false;
            }
        }
        buffer.clear();
        return skip(delivery);
    }

    /** Drops the event or keeps it aside; false when it must not be skipped (or too many are kept). */
    private boolean skip(RoomDelivery delivery) {
        return switch (delivery.order()) {
            case LOGGED, EPHEMERAL -> true;
            case STATE -> keptStates.size() < bufferCapacity && keptStates.add(delivery);
            case STRICT -> false;
        };
    }

    /** Events waiting for the session to go live. */
    int buffered() {
        synchronized (lock) {
            return buffer == null ? 0 : buffer.size() + keptStates.size();
        }
    }

    /** The user joined (or was added to) the room again: whatever it had of the room is history. */
    @Override
    public void joined(String roomId) {
        synchronized (lock) {
            if (skipping) {
                queue.closeAsSlowConsumer(); // the catch-up reads on in the rooms it started with only
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
            keptStates.forEach(this::pass); // older than what the buffer holds
            keptStates.clear();
            buffer.forEach(this::pass);
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
