package io.chatmesh.signaling.domain;

import java.time.Duration;
import java.util.List;

/** What a participant is told about its call. */
public sealed interface CallEvent {

    /**
     * Always the first event a participant gets: who it is and who was already there.
     *
     * @param resumed it came back within the grace period with its old id
     */
    record Joined(Participant self, List<Participant> others, boolean resumed) implements CallEvent {
        public Joined {
            others = List.copyOf(others);
        }

        public Joined(Participant self, List<Participant> others) {
            this(self, others, false);
        }
    }

    /** @param resumed a reconnecting participant came back with its id */
    record ParticipantJoined(Participant participant, boolean resumed) implements CallEvent {
        public ParticipantJoined(Participant participant) {
            this(participant, false);
        }
    }

    /** A participant's stream dropped; it keeps its place for the grace period. */
    record ParticipantReconnecting(String participantId, String userId) implements CallEvent {}

    record ParticipantLeft(String participantId, String userId) implements CallEvent {}

    record MediaChanged(String participantId, Media media) implements CallEvent {}

    /** A signal addressed to this participant, naming its sender. */
    record SignalReceived(String fromParticipantId, Signal signal) implements CallEvent {}

    /**
     * This participant's id was resumed by a new stream (the same user came back before this
     * stream's drop was noticed): this stream no longer speaks for it and must end quietly,
     * without leaving.
     */
    record Replaced() implements CallEvent {}

    /**
     * Told only to the participant whose leave ended the call (it was the last one on any
     * instance, as this instance knows): how long the call lasted, for the room's note.
     */
    record CallEnded(String callKey, Duration length) implements CallEvent {}
}
