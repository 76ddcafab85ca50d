package io.chatmesh.chat.bus;

/** A live chat stream of one user on this instance, as the fan-out sees it. */
public interface LiveSession {

    String userId();

    /** Hands over one event of one of the user's rooms. Called from bus threads; must not block. */
    void deliver(RoomDelivery delivery);

    /** The user became a member of the room while the session was registered; its events follow. */
    void joined(String roomId);
}
