package io.chatmesh.signaling.domain;

/**
 * Receives one participant's events. Called from any thread, possibly while the relay holds
 * a lock on the call, so it must only hand the event on (queue it), never block.
 */
@FunctionalInterface
public interface CallListener {

    void deliver(CallEvent event);
}
