package io.chatmesh.signaling.domain;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Tells the other signaling-service instances what happens to this instance's participants,
 * and carries signals to participants connected elsewhere. The relay calls it while it holds
 * the call's lock, in the order it made the changes: implementations keep that order and
 * never block (they queue, then publish).
 */
public interface CallReplicator {

    /**
     * A local participant joined, or (re-announced periodically) is still there.
     *
     * @param resumes how many times it was resumed on a new stream (an instance that holds it
     *        with fewer lets it go)
     */
    void present(String roomId, Participant participant, int resumes);

    /**
     * A local participant left.
     *
     * @param remainingParticipantIds who is still in the call as this instance sees it, so an
     *        instance whose last participant left at the same moment can tell that this one did
     *        not see that leave (and so did not end the call)
     */
    void left(String roomId, Participant participant, List<String> remainingParticipantIds);

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
