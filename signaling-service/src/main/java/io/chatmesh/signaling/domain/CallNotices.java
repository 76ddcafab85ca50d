package io.chatmesh.signaling.domain;

import io.chatmesh.platform.auth.Principal;
import java.time.Duration;

/**
 * Leaves a note about a call in the room's history (chat-service). Implementations post
 * asynchronously, never block the caller, and post each note at most once (idempotency key).
 */
public interface CallNotices {

    /** Nobody answered the caller's ring in time. */
    void missedCall(Principal caller, Invitation invitation);

    /**
     * The room's call ended with its last participant.
     *
     * @param lastParticipant the user whose leave ended it (the note is posted as them)
     * @param callKey unique per call (idempotency key of the note)
     */
    void callEnded(Principal lastParticipant, String roomId, String callKey, Duration length);
}
