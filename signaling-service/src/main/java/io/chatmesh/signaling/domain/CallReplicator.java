package io.chatmesh.signaling.domain;

import java.util.concurrent.CompletionStage;

/**
 * Tells the other signaling-service instances what happens to this instance's participants,
 * and carries signals to participants connected elsewhere. The relay calls it while it holds
 * the call's lock, in the order it made the changes: implementations keep that order and
 * never block (they queue, then publish).
 */
public interface CallReplicator {

    /** A local participant joined, or (re-announced periodically) is still there. */
    void present(String roomId, Participant participant);

    /** A local participant left. */
    void left(String roomId, Participant participant);

    /** A local participant changed its media. */
    void mediaChanged(String roomId, String participantId, Media media);

    /**
     * Sends a signal from a local participant to one on another instance.
     *
     * @return completes once the signal is on its way; fails with
     *         {@link io.chatmesh.platform.error.ChatmeshException} UNAVAILABLE when it could
     *         not be handed over
     */
    CompletionStage<Void> signal(String roomId, String fromParticipantId, String toParticipantId, Signal signal);
}
