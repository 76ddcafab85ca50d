package io.chatmesh.platform.bus;

/** Default bus topic names (configurable per deployment; see docs/). */
public final class Topics {

    /** chatmesh.chat.internal.v1.RoomEvent, keyed by room id: one order per room. */
    public static final String ROOM_EVENTS = "chatmesh.room-events";
    /** The setting that renames {@link #ROOM_EVENTS} (the same in every service). */
    public static final String ROOM_EVENTS_PROPERTY = "chatmesh.bus.room-events-topic";
    /** chatmesh.user.internal.v1.SessionEnded from user-service, keyed by user id. */
    public static final String SESSIONS = "chatmesh.sessions";
    /**
     * chatmesh.user.internal.v1.PresenceSignal, keyed by user id: device streams from
     * chat-service, chosen statuses from user-service; every user-service instance reads all.
     */
    public static final String PRESENCE = "chatmesh.presence";
    /** Signaling relayed between signaling-service instances, keyed by room id. */
    public static final String SIGNALING = "chatmesh.signaling";
    /**
     * chatmesh.signaling.internal.v1.CallRingChanged from signaling-service, keyed by room id:
     * rings as chat-service tells them on the chat stream; every chat-service instance reads all.
     */
    public static final String CALL_RINGS = "chatmesh.call-rings";
    /** The setting that renames {@link #CALL_RINGS} (the same in signaling- and chat-service). */
    public static final String CALL_RINGS_PROPERTY = "chatmesh.bus.call-rings-topic";

    private Topics() {}
}
