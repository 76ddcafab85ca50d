package io.chatmesh.chat.bus;

/**
 * One room event on its way to the local sessions of the room's members.
 *
 * @param seq for a new message or a change of one (edit, deletion, reaction) its seq in the
 *        room's sequence, else 0
 * @param prevSeq for those the seq of the room's entry before it on the bus (0: none)
 * @param frame the ServerEvent, encoded once for all sessions (a new message without its client_id)
 * @param senderId for a new message with a client_id its sender, else null
 * @param senderFrame for a new message with a client_id the ServerEvent as its sender's sessions
 *        get it, client_id included; else null
 * @param order what a session that cannot keep up may do with it instead of passing it on in order
 */
public record RoomDelivery(String roomId, long seq, long prevSeq, ServerFrame frame, String senderId,
        ServerFrame senderFrame, Order order) {

    /** What a session that falls behind may do with an event instead of passing it on in order. */
    public enum Order {
        /** An entry of the room's log (seq above 0): history has it, the session may read it from there. */
        LOGGED,
        /** Stale within seconds (typing): the session may drop it. */
        EPHEMERAL,
        /** A newest state (presence, a read receipt): the session may pass it on later, after room entries that followed it. */
        STATE,
        /** Anything else (membership, calls): in order, or the client must resume. */
        STRICT
    }

    /** A new message with a client_id: its sender's sessions get {@code senderFrame}. */
    public RoomDelivery(String roomId, long seq, long prevSeq, ServerFrame frame, String senderId,
            ServerFrame senderFrame) {
        this(roomId, seq, prevSeq, frame, senderId, senderFrame, seq > 0 ? Order.LOGGED : Order.STRICT);
    }

    /** An event every session gets alike: an entry of the room's log when its seq is above 0, else {@link Order#STRICT}. */
    public RoomDelivery(String roomId, long seq, long prevSeq, ServerFrame frame) {
        this(roomId, seq, prevSeq, frame, null, null);
    }

    /** A room event without a seq that may be dropped ({@link Order#EPHEMERAL}) or come late ({@link Order#STATE}). */
    public static RoomDelivery unlogged(String roomId, ServerFrame frame, Order order) {
        return new RoomDelivery(roomId, 0, 0, frame, null, null, order);
    }

    /** An event about a user rather than of a room (presence), for the sessions chosen to get it. */
    public static RoomDelivery aboutUser(ServerFrame frame) {
        return unlogged("", frame, Order.STATE);
    }

    public boolean isMessage() {
        return seq > 0;
    }

    /** What a session of this user gets: a message's client_id is the sender's alone. */
    public ServerFrame frameFor(String userId) {
        return senderFrame != null && userId.equals(senderId) ? senderFrame : frame;
    }
}
