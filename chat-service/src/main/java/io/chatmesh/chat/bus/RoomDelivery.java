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
 * @param ephemeral an event nobody needs once it is old (typing), which a session may drop
 */
public record RoomDelivery(String roomId, long seq, long prevSeq, ServerFrame frame, String senderId,
        ServerFrame senderFrame, boolean ephemeral) {

    /** A new message with a client_id: its sender's sessions get {@code senderFrame}. */
    public RoomDelivery(String roomId, long seq, long prevSeq, ServerFrame frame, String senderId,
            ServerFrame senderFrame) {
        this(roomId, seq, prevSeq, frame, senderId, senderFrame, false);
    }

    /** An event every session gets alike. */
    public RoomDelivery(String roomId, long seq, long prevSeq, ServerFrame frame) {
        this(roomId, seq, prevSeq, frame, null, null, false);
    }

    /** A typing indicator: shown for a few seconds, so a session that skips it misses nothing later. */
    public static RoomDelivery typing(String roomId, ServerFrame frame) {
        return new RoomDelivery(roomId, 0, 0, frame, null, null, true);
    }

    /** An event about a user rather than of a room (presence), for the sessions chosen to get it. */
    public static RoomDelivery aboutUser(ServerFrame frame) {
        return new RoomDelivery("", 0, 0, frame);
    }

    public boolean isMessage() {
        return seq > 0;
    }

    /** A session may skip it and still miss nothing: history has it (a message or change), or it is ephemeral. */
    public boolean recoverable() {
        return isMessage() || ephemeral;
    }

    /** What a session of this user gets: a message's client_id is the sender's alone. */
    public ServerFrame frameFor(String userId) {
        return senderFrame != null && userId.equals(senderId) ? senderFrame : frame;
    }
}
