package io.chatmesh.signaling.domain;

import java.time.Instant;

/**
 * One device in a call; {@code participantId} is unique per join and kept across a reconnect
 * within the grace period.
 *
 * @param reconnecting its stream dropped and it has not come back yet
 */
public record Participant(String participantId, String userId, Media media, Instant joinTime, boolean reconnecting) {

    /** A connected participant. */
    public Participant(String participantId, String userId, Media media, Instant joinTime) {
        this(participantId, userId, media, joinTime, false);
    }

    public Participant withMedia(Media newMedia) {
        return new Participant(participantId, userId, newMedia, joinTime, reconnecting);
    }

    public Participant withReconnecting(boolean nowReconnecting) {
        return new Participant(participantId, userId, media, joinTime, nowReconnecting);
    }
}
