package io.chatmesh.signaling.domain;

import java.util.concurrent.CompletionStage;

/**
 * The live calls, one per room, and the relay of signals between their participants, who
 * may be connected to different signaling-service instances. The api layer only talks to
 * this interface.
 *
 * <p>Per call, events reach each participant in the order the relay accepted them; a new
 * participant gets {@link CallEvent.Joined} before anyone can address it.
 */
public interface CallRelay {

    /**
     * Adds a participant to the room's call, starting the call if there is none. The
     * listener first gets {@link CallEvent.Joined}; everyone already there gets
     * {@link CallEvent.ParticipantJoined}.
     *
     * @return the new participant (with a fresh participant id)
     * @throws io.chatmesh.platform.error.ChatmeshException RESOURCE_EXHAUSTED when the call is full
     *         (participants on every instance count)
     */
    default Participant join(String roomId, String userId, Media media, CallListener listener) {
        return join(roomId, userId, media, listener, null);
    }

    /**
     * Joins, or comes back: when {@code resumeParticipantId} names a reconnecting participant
     * of the same user, it takes that id and place again ({@link CallEvent.Joined#resumed()};
     * the others get {@link CallEvent.ParticipantJoined} with resumed). Otherwise an ordinary join.
     */
    Participant join(String roomId, String userId, Media media, CallListener listener, String resumeParticipantId);

    /**
     * The participant's stream dropped: it stays in the call as reconnecting for the grace
     * period (the others get {@link CallEvent.ParticipantReconnecting}) and leaves when it ends
     * without a rejoin. Nothing happens if it was not connected in the call.
     */
    void disconnect(String roomId, String participantId);

    /**
     * Relays a signal to another participant of the same call, who gets it as
     * {@link CallEvent.SignalReceived} from {@code fromParticipantId}.
     *
     * @return completes once the signal was delivered (target on this instance) or accepted by
     *         the bus for the target's instance; fails with ChatmeshException UNAVAILABLE when the
     *         bus did not take it
     * @throws io.chatmesh.platform.error.ChatmeshException NOT_FOUND when the target is not in
     *         the sender's call
     */
    CompletionStage<Void> send(String roomId, String fromParticipantId, String toParticipantId, Signal signal);

    /** Records a participant's new media state and tells the others. */
    void updateMedia(String roomId, String participantId, Media media);

    /**
     * Removes a participant and tells the others ({@link CallEvent.ParticipantLeft}); the
     * call ends with its last participant.
     *
     * @return false (and nothing happens) if the participant was not in the call, so a
     *         second leave is harmless
     */
    boolean leave(String roomId, String participantId);
}
