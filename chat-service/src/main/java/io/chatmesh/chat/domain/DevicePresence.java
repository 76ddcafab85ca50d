package io.chatmesh.chat.domain;

/**
 * Port: which devices hold a chat stream here, for user-service's presence. A device may hold
 * several streams; it counts as connected from its first until its last one ends.
 */
public interface DevicePresence {

    /** A stream of the device opened (after its Hello). */
    void opened(String userId, String deviceId);

    /** A stream of the device ended. */
    void closed(String userId, String deviceId);
}
