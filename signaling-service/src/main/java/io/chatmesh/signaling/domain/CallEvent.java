package io.chatmesh.signaling.domain;

import java.util.List;

/** What a participant is told about its call. */
public sealed interface CallEvent {

    /** Always the first event a participant gets: who it is and who was already there. */
    record Joined(Participant self, List<Participant> others) implements CallEvent {
        public Joined {
            others = List.copyOf(others);
        }
    }

    record ParticipantJoined(Participant participant) implements CallEvent {}

    record ParticipantLeft(String participantId, String userId) implements CallEvent {}

    record MediaChanged(String participantId, Media media) implements CallEvent {}

    /** A signal addressed to this participant, naming its sender. */
    record SignalReceived(String fromParticipantId, Signal signal) implements CallEvent {}
}
