package io.chatmesh.chat.bus;

/**
 * One room event on its way to the local sessions of the room's members.
 *
 * @param seq for a new message its seq, else 0
 * @param prevSeq for a new message the seq of the room's message before it on the bus (0: none)
 * @param frame the ServerEvent, encoded once for all sessions
 */
public record RoomDelivery(String roomId, long seq, long prevSeq, ServerFrame frame) {

    public boolean isMessage() {
        return seq > 0;
    }
}
