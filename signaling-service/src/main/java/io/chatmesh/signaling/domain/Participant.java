package io.chatmesh.signaling.domain;

import java.time.Instant;

/** One device in a call; {@code participantId} is unique per join. */
public record Participant(String participantId, String userId, Media media, Instant joinTime) {

    public Participant withMedia(Media newMedia) {
        return new Participant(participantId, userId, newMedia, joinTime);
    }
}
