package io.chatmesh.signaling.domain;

/**
 * Tells chat-service about rings, for the chat streams of the caller and the callees. Called
 * by the instance a ring started on, once per change, in the order the changes were applied;
 * implementations keep that order and never block the caller.
 */
@FunctionalInterface
public interface RingBroadcast {

    void changed(Invitation invitation);
}
